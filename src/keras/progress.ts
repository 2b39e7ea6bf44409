/**
 * Keras' progress output: on a terminal, a bar redrawn in place with step count, ETA and running
 * metrics; otherwise one plain line per epoch (so logs and CI output stay readable).
 */
export interface Output {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** process.stdout in Node; elsewhere the console, a line per write. */
export function defaultOutput(): Output {
  const stdout = (globalThis as { process?: { stdout?: Output } }).process?.stdout;
  return stdout ?? { write: (s: string) => console.log(s.replace(/\n$/, "")) };
}

export function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k}: ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4)}`)
    .join(" - ");
}

function formatTime(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
  return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
}

export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly out: Output,
    private readonly width = 30,
  ) {}

  private bar(step: number): string {
    const done = Math.floor((this.width * step) / this.total);
    const head = step < this.total ? ">" : "=";
    return `[${"=".repeat(Math.max(0, done - 1))}${done > 0 ? head : ""}${".".repeat(this.width - done)}]`;
  }

  /** Redraws the bar (terminal only, at most every 50 ms but always at the end). */
  update(step: number, logs: Record<string, number>): void {
    if (!this.out.isTTY) return;
    const now = performance.now();
    if (step < this.total && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    const elapsed = (now - this.started) / 1000;
    const eta = step ? (elapsed / step) * (this.total - step) : 0;
    const digits = String(this.total).length;
    const metrics = formatLogs(logs);
    this.out.write(`\r${String(step).padStart(digits)}/${this.total} ${this.bar(step)} - ETA: ${formatTime(eta)}${metrics ? ` - ${metrics}` : ""}\x1b[K`);
  }

  /** The epoch's final line: the full bar on a terminal, a plain line elsewhere. */
  end(logs: Record<string, number>): void {
    const elapsed = (performance.now() - this.started) / 1000;
    const perStep = this.total ? (1000 * elapsed) / this.total : 0;
    const metrics = formatLogs(logs);
    const head = this.out.isTTY ? `\r${this.total}/${this.total} ${this.bar(this.total)}` : `${this.total}/${this.total}`;
    this.out.write(`${head} - ${formatTime(elapsed)} ${Math.round(perStep)}ms/step${metrics ? ` - ${metrics}` : ""}${this.out.isTTY ? "\x1b[K" : ""}\n`);
  }
}
