/**
 * Benchmark helpers: time a workload a number of times, report the median, print a table with
 * ratios against tensorgrad, and write the same rows as JSON under bench/results/latest/.
 * Speed is measured here, never asserted in a test.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface Row {
  workload: string;
  impl: string;
  /** Median of the measured repetitions. */
  value: number;
  unit: string;
  /** Whether larger values are better (throughput) or smaller (time). */
  higherIsBetter: boolean;
}

/**
 * The peers' Python: $TENSORGRAD_BENCH_PYTHON, $PEERS_PYTHON, tools/peers.sh's .peers-venv, then
 * `fallbacks`, the first on which the Python statement `check` runs (imports the peer needs).
 */
export function peerPython(check: string, fallbacks: readonly string[] = []): string | undefined {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
  const candidates = [process.env.TENSORGRAD_BENCH_PYTHON, process.env.PEERS_PYTHON, path.join(root, ".peers-venv", "bin", "python"), ...fallbacks];
  return candidates.find((p): p is string => {
    try {
      return !!p && (execFileSync(p, ["-c", check], { stdio: "ignore" }), true);
    } catch {
      return false;
    }
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs fn unmeasured (see below), then `reps` times; returns the median milliseconds. */
export async function timeMs(fn: () => unknown | Promise<unknown>, options: { warmup?: number; reps?: number; warmupMs?: number } = {}): Promise<number> {
  return median(await timeSamples(fn, options));
}

/** Runs fn unmeasured (see below), then `reps` times; returns each run's milliseconds. */
export async function timeSamples(fn: () => unknown | Promise<unknown>, { warmup = 2, reps = 5, warmupMs = 1000 } = {}): Promise<number[]> {
  // At least `warmup` calls and `warmupMs` of them: V8 keeps re-optimising a hot path for a while
  // (a fresh process ran the seed CNN step 30–50% slower for its first few hundred steps), and
  // the steady state is what we compare, for every implementation alike.
  const start = performance.now();
  for (let i = 0; i < warmup || performance.now() - start < warmupMs; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times;
}

/** Prints rows grouped by workload with "tensorgrad/peer" speed ratios (>1: tensorgrad faster). */
export function report(name: string, rows: Row[]): void {
  const workloads = [...new Set(rows.map((r) => r.workload))];
  console.log(`\n${name}`);
  console.log(`${"workload".padEnd(34)} ${"implementation".padEnd(44)} ${"median".padStart(12)}  unit        speed of tensorgrad vs this`);
  for (const w of workloads) {
    const group = rows.filter((r) => r.workload === w);
    const ours = group.find((r) => r.impl.startsWith("tensorgrad"));
    for (const r of group) {
      let ratio = "";
      if (ours && r !== ours) {
        const x = r.higherIsBetter ? ours.value / r.value : r.value / ours.value;
        ratio = `${x.toFixed(2)}×`;
      }
      console.log(`${w.padEnd(34)} ${r.impl.padEnd(44)} ${r.value.toPrecision(4).padStart(12)}  ${r.unit.padEnd(10)}  ${ratio}`);
    }
  }
  // bench/results/latest/ (git-ignored) by default, so a run never rewrites the committed results;
  // --out DIR writes elsewhere (--out bench/results publishes a run; the CLI writes outside the tree).
  const at = process.argv.indexOf("--out");
  const dir = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]!) : path.join(path.dirname(fileURLToPath(import.meta.url)), "results", "latest");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
