/** Printing tensors the way PyTorch does: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`. */
import type { AnyTypedArray, DType } from "./dtype.js";

const EDGE_ITEMS = 3;
const THRESHOLD = 1000;
const LINE_WIDTH = 80;

/** Picks one format for every element, as torch._tensor_str._Formatter does. */
function makeFormatter(values: ArrayLike<number>, dtype: DType): (v: number) => string {
  if (dtype === "bool") return (v) => (v ? "True" : "False");
  if (dtype === "int32") return (v) => String(v);
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && v !== 0) finite.push(Math.abs(v));
  }
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  const sci = (v: number) => {
    const [m, e] = v.toExponential(4).split("e") as [string, string];
    const sign = e[0] === "-" ? "-" : "+";
    return `${m}e${sign}${e.replace(/^[+-]/, "").padStart(2, "0")}`;
  };
  if (finite.length === 0) return (v) => (Number.isFinite(v) ? (Object.is(v, -0) ? "-0." : "0.") : special(v));
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const intMode = finite.every((v) => Number.isInteger(v));
  if (intMode) {
    if (hi / lo > 1000 || hi > 1e8) return (v) => (Number.isFinite(v) ? sci(v) : special(v));
    return (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : special(v));
  }
  if (hi / lo > 1000 || hi > 1e8 || lo < 1e-4) return (v) => (Number.isFinite(v) ? sci(v) : special(v));
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

/** Renders nested brackets; `indent` is the column where this block's "[" stands. */
function render(
  data: AnyTypedArray,
  shape: readonly number[],
  fmt: (v: number) => string,
  width: number,
  summarize: boolean,
  indent: number,
  start: number,
): string {
  const [n, ...rest] = shape as [number, ...number[]];
  const stride = rest.reduce((a, b) => a * b, 1);
  const picks: (number | null)[] = [];
  if (summarize && n > 2 * EDGE_ITEMS) {
    for (let i = 0; i < EDGE_ITEMS; i++) picks.push(i);
    picks.push(null);
    for (let i = n - EDGE_ITEMS; i < n; i++) picks.push(i);
  } else {
    for (let i = 0; i < n; i++) picks.push(i);
  }
  if (rest.length === 0) {
    const items = picks.map((i) => (i === null ? " ..." : fmt(data[start + i]!).padStart(width)));
    const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent - 1) / (width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
    return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`;
  }
  const sep = `,${"\n".repeat(rest.length)}${" ".repeat(indent + 1)}`;
  const blocks = picks.map((i) =>
    i === null ? "..." : render(data, rest, fmt, width, summarize, indent + 1, start + i * stride),
  );
  return `[${blocks.join(sep)}]`;
}

/** Which flat indices get printed (all, or the edge items of every dim when summarising). */
function shownValues(data: AnyTypedArray, shape: readonly number[], summarize: boolean): number[] {
  if (!summarize) return Array.from(data);
  const out: number[] = [];
  const walk = (dim: number, start: number) => {
    if (dim === shape.length) {
      out.push(data[start]!);
      return;
    }
    const n = shape[dim]!;
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) {
      if (n > 2 * EDGE_ITEMS && i >= EDGE_ITEMS && i < n - EDGE_ITEMS) continue;
      walk(dim + 1, start + i * stride);
    }
  };
  walk(0, 0);
  return out;
}

export function formatTensor(data: AnyTypedArray, shape: readonly number[], dtype: DType, suffixes: string[]): string {
  const extra = [...suffixes];
  if (dtype === "float64") extra.unshift("dtype=float64");
  const tail = extra.length ? `, ${extra.join(", ")}` : "";
  const prefix = "tensor(";
  if (shape.length === 0) return `${prefix}${makeFormatter(data, dtype)(data[0]!)}${tail})`;
  if (data.length === 0) {
    const size = shape.length === 1 ? "" : `, size=(${shape.join(", ")})`;
    return `${prefix}[]${size}${tail})`;
  }
  const summarize = data.length > THRESHOLD;
  const shown = shownValues(data, shape, summarize);
  const fmt = makeFormatter(shown, dtype);
  // Like PyTorch, only finite values set the column width (nan and inf are not padded for).
  const finite = shown.filter((v) => Number.isFinite(v));
  const width = Math.max(...(finite.length ? finite : shown).map((v) => fmt(v).length));
  return `${prefix}${render(data, shape, fmt, width, summarize, prefix.length, 0)}${tail})`;
}

/** A float32 value as a message shows it: the shortest decimal that rounds to it (-0.1, not -0.10000000149011612). */
export function shortestFloat32(v: number): string {
  for (let digits = 1; digits < 9 && Number.isFinite(v); digits++) {
    const candidate = Number.parseFloat(v.toPrecision(digits));
    if (Math.fround(candidate) === v) return String(candidate);
  }
  return String(v);
}
