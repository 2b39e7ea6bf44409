/** The results table's arithmetic and Markdown, apart from the runs (so tests can check it). */

/** One run of a recipe: its test accuracy in percent (null when it printed none) and wall time. */
export interface Run {
  accuracy: number | null;
  seconds: number;
}

/** A recipe's runs over the seeds, in tensorgrad and in its reference. */
export interface Row {
  name: string;
  data: string;
  reference: string;
  seeds: number[];
  tensorgrad: Run[];
  referenceRuns: Run[];
  target?: number;
}

export interface Stats {
  mean: number;
  /** The sample standard deviation (n − 1); 0 for one run. */
  std: number;
  n: number;
}

export interface Summary {
  row: Row;
  tensorgrad: Stats | null;
  reference: Stats | null;
  /** tensorgrad's mean is no more than max(the reference's std, 0.3 points) below the reference's (null without a reference). */
  within: boolean | null;
}

/** Mean and sample standard deviation of the finite values (null when there are none). */
export function meanStd(values: readonly (number | null)[]): Stats | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!xs.length) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std, n: xs.length };
}

/** The points by which tensorgrad may trail its reference before the gap needs a reason. */
export const TOLERANCE = 0.3;

export function summarize(row: Row): Summary {
  const tensorgrad = meanStd(row.tensorgrad.map((r) => r.accuracy));
  const reference = meanStd(row.referenceRuns.map((r) => r.accuracy));
  const within = tensorgrad && reference ? tensorgrad.mean >= reference.mean - Math.max(reference.std, TOLERANCE) : null;
  return { row, tensorgrad, reference, within };
}

const pct = (s: Stats | null) => (s ? `${s.mean.toFixed(2)}% ± ${s.std.toFixed(2)}` : "—");
const seconds = (runs: readonly Run[]) => (runs.length ? `${Math.round(runs.reduce((a, r) => a + r.seconds, 0) / runs.length)} s` : "—");

export function formatTable(summaries: readonly Summary[]): string {
  const lines = summaries.map(({ row, tensorgrad, reference, within }) => {
    const delta = tensorgrad && reference ? `${tensorgrad.mean >= reference.mean ? "+" : "−"}${Math.abs(tensorgrad.mean - reference.mean).toFixed(2)}${within ? "" : " ✗"}` : "";
    const target = row.target ? `≥ ${row.target}%${tensorgrad ? (tensorgrad.mean >= row.target ? " ✓" : " ✗") : ""}` : "";
    return `| ${row.name} | ${row.data} | ${pct(tensorgrad)} | ${row.reference}: ${pct(reference)} | ${delta} | ${target} | ${seconds(row.tensorgrad)} / ${seconds(row.referenceRuns)} |`;
  });
  return [
    "| recipe | data (train / test) | tensorgrad | reference | Δ (points) | target | wall time (tensorgrad / reference) |",
    "| --- | --- | --- | --- | ---: | --- | --- |",
    ...lines,
  ].join("\n");
}
