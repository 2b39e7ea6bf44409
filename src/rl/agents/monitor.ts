/**
 * Watching an agent learn: every finished episode's return and length with the timestep it ended
 * at; the mean of the last 100; a progress line with steps/s; the log as CSV or JSON and a learning
 * curve as SVG (episode returns as dots, their running mean of 100 as a line).
 */
export interface EpisodeRecord {
  timestep: number;
  return: number;
  length: number;
}

export class Monitor {
  readonly episodes: EpisodeRecord[] = [];
  private readonly start = performance.now();
  private lastPrint = 0;
  private finished = false;

  constructor(readonly window = 100) {}

  record(timestep: number, ret: number, length: number): void {
    this.episodes.push({ timestep, return: ret, length });
  }

  /** Mean return of the last `window` episodes (NaN before the first). */
  meanReturn(window = this.window): number {
    const last = this.episodes.slice(-window);
    return last.length ? last.reduce((a, e) => a + e.return, 0) / last.length : NaN;
  }
  meanLength(window = this.window): number {
    const last = this.episodes.slice(-window);
    return last.length ? last.reduce((a, e) => a + e.length, 0) / last.length : NaN;
  }

  /** A one-line summary: steps, steps/s, episodes, mean return and length of the last 100. */
  summary(timestep: number): string {
    const secs = (performance.now() - this.start) / 1000;
    const fps = secs > 0 ? Math.round(timestep / secs) : 0;
    return `steps ${timestep} | ${fps} steps/s | episodes ${this.episodes.length} | mean return (last ${this.window}) ${this.meanReturn().toFixed(2)} | mean length ${this.meanLength().toFixed(1)}`;
  }

  /** Prints the summary at most every `intervalMs` (a bar that overwrites itself on a terminal). */
  progress(timestep: number, total: number, intervalMs = 1000): void {
    const now = performance.now();
    const last = timestep >= total;
    if (!last) this.finished = false;
    if (this.finished || (now - this.lastPrint < intervalMs && !last)) return;
    this.lastPrint = now;
    this.finished = last;
    const width = 24;
    const filled = Math.round((width * Math.min(timestep, total)) / total);
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.summary(timestep)}`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}${timestep >= total ? "\n" : ""}`);
    else console.log(line);
  }

  toCSV(): string {
    return `timestep,return,length\n${this.episodes.map((e) => `${e.timestep},${e.return},${e.length}`).join("\n")}\n`;
  }

  toJSON(): { episodes: EpisodeRecord[] } {
    return { episodes: this.episodes };
  }

  /** The learning curve: returns against timesteps, with the running mean over `window` episodes. */
  toSVG({ title = "Learning curve", width = 640, height = 360 }: { title?: string; width?: number; height?: number } = {}): string {
    const pad = { left: 60, right: 20, top: 36, bottom: 44 };
    const eps = this.episodes;
    const rets = eps.map((e) => e.return);
    const lo = rets.length ? Math.min(...rets) : 0;
    const hi = rets.length ? Math.max(...rets) : 1;
    const span = hi - lo || 1;
    const maxT = eps.length ? eps[eps.length - 1]!.timestep : 1;
    const x = (t: number) => pad.left + ((width - pad.left - pad.right) * t) / (maxT || 1);
    const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - (v - lo) / span);
    const parts = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
      `<rect width="100%" height="100%" fill="white"/>`,
      `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${title.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</text>`,
      `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="black"/>`,
      `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="black"/>`,
      `<text x="${(pad.left + width - pad.right) / 2}" y="${height - 8}" text-anchor="middle">environment steps</text>`,
      `<text x="14" y="${(pad.top + height - pad.bottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(pad.top + height - pad.bottom) / 2})">episode return</text>`,
    ];
    for (let k = 0; k <= 4; k++) {
      const v = lo + (span * k) / 4;
      const t = (maxT * k) / 4;
      parts.push(
        `<text x="${pad.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toPrecision(3)}</text>`,
        `<line x1="${pad.left}" y1="${y(v).toFixed(1)}" x2="${width - pad.right}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`,
        `<text x="${x(t).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle">${Math.round(t)}</text>`,
      );
    }
    // At most ~2000 dots: thin the episodes evenly.
    const stride = Math.max(1, Math.ceil(eps.length / 2000));
    for (let i = 0; i < eps.length; i += stride) parts.push(`<circle cx="${x(eps[i]!.timestep).toFixed(1)}" cy="${y(eps[i]!.return).toFixed(1)}" r="1.5" fill="#9ecae1"/>`);
    let acc = 0;
    const mean: string[] = [];
    eps.forEach((e, i) => {
      acc += e.return - (i >= this.window ? eps[i - this.window]!.return : 0);
      if (i % stride === 0 || i === eps.length - 1) mean.push(`${x(e.timestep).toFixed(1)},${y(acc / Math.min(i + 1, this.window)).toFixed(1)}`);
    });
    if (mean.length) parts.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${mean.join(" ")}"/>`);
    parts.push(`<text x="${width - pad.right}" y="${pad.top - 6}" text-anchor="end" fill="#1f77b4">mean of last ${this.window}</text>`, "</svg>");
    return parts.join("\n") + "\n";
  }
}
