/**
 * Training curves: a History as JSON and CSV, and as a small SVG line chart (hand-written SVG: one
 * polyline per series with axes and a legend is simpler than a plotting dependency, and renders in
 * any browser); PNG when ImageMagick's `convert` is installed.
 */
import { requireNode } from "../base/node.js";
import { writeFileAtomic } from "../io/atomic.js";

export interface HistoryLike {
  epoch: number[];
  history: Record<string, number[]>;
}

export function historyToCSV(h: HistoryLike): string {
  const keys = Object.keys(h.history);
  const rows = h.epoch.map((e, i) => [e, ...keys.map((k) => h.history[k]![i] ?? "")].join(","));
  return `${["epoch", ...keys].join(",")}\n${rows.join("\n")}\n`;
}

// Matplotlib's tab10, so that ten classes (the digits, Fashion-MNIST) get ten colours.
export const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
export const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** An SVG chart of the given series (default: every key) against the epoch. */
export function historyToSVG(h: HistoryLike, { keys = Object.keys(h.history), title = "Training history", width = 640, height = 360 } = {}): string {
  const pad = { left: 56, right: 150, top: 36, bottom: 40 };
  const series = keys.filter((k) => h.history[k]?.length);
  const values = series.flatMap((k) => h.history[k]!).filter(Number.isFinite);
  const [lo, hi] = values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
  const span = hi - lo || 1;
  const n = Math.max(1, h.epoch.length - 1);
  const x = (i: number) => pad.left + ((width - pad.left - pad.right) * i) / n;
  const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - (v - lo) / span);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="black"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="black"/>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = lo + (span * t) / 4;
    parts.push(`<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toPrecision(3)}</text>`, `<line x1="${pad.left}" y1="${y(v)}" x2="${width - pad.right}" y2="${y(v)}" stroke="#ddd"/>`);
  }
  h.epoch.forEach((e, i) => parts.push(`<text x="${x(i)}" y="${height - pad.bottom + 16}" text-anchor="middle">${e + 1}</text>`));
  parts.push(`<text x="${(pad.left + width - pad.right) / 2}" y="${height - 6}" text-anchor="middle">epoch</text>`);
  series.forEach((k, s) => {
    const color = COLORS[s % COLORS.length]!;
    const points = h.history[k]!.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    // Markers, so that a one-epoch history still shows its values.
    h.history[k]!.forEach((v, i) => parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"/>`));
    parts.push(`<rect x="${width - pad.right + 12}" y="${pad.top + 18 * s}" width="12" height="12" fill="${color}"/>`, `<text x="${width - pad.right + 30}" y="${pad.top + 18 * s + 10}">${escape(k)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/** Writes base.json, base.csv and base.svg (and base.png when `convert` exists); returns the paths written. */
export function saveHistory(h: HistoryLike, base: string, opts: { title?: string } = {}): string[] {
  const enc = new TextEncoder();
  const written = [`${base}.json`, `${base}.csv`, `${base}.svg`];
  writeFileAtomic(written[0]!, [enc.encode(`${JSON.stringify({ epoch: h.epoch, history: h.history }, null, 2)}\n`)]);
  writeFileAtomic(written[1]!, [enc.encode(historyToCSV(h))]);
  writeFileAtomic(written[2]!, [enc.encode(historyToSVG(h, opts))]);
  try {
    requireNode("node:child_process", "saveHistory").execFileSync("convert", [`${base}.svg`, `${base}.png`], { stdio: "ignore" });
    written.push(`${base}.png`);
  } catch {
    // No ImageMagick (or only the stand-in): the SVG is the plot.
  }
  return written;
}
