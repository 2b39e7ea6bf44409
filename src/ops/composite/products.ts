/**
 * Products built on matmul: dot, inner, outer and Kronecker-free vector forms, the BLAS-style
 * `add*` family (β·input + α·product), tensordot, and einsum — any equation, contracted pairwise
 * through batched matmul, so every product runs on the backend's GEMM and its gradient rule.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { normalizeDim } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import { add, mul } from "../elementwise.js";
import { matmul } from "../matmul.js";
import { expand, permute, reshape, unsqueeze } from "../movement.js";
import { sum } from "../reduce.js";
import { diagonal } from "./arrange.js";

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

function vector(x: Tensor, op: string, what: string): void {
  if (x.ndim !== 1) throw new ShapeError(`${op}: ${what} must be 1-D, got shape ${fmtShape(x.shape)}`);
}

/** The sum of the elementwise product of two vectors of one length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  vector(a, "dot", "the first argument");
  vector(b, "dot", "the second argument");
  if (a.shape[0] !== b.shape[0]) throw new ShapeError(`dot: vectors of lengths ${a.shape[0]} and ${b.shape[0]}`);
  return sum(mul(a, b));
}

/** Every a[i] times every b[j], as a matrix [len(a), len(b)]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  vector(a, "outer", "the first argument");
  vector(b, "outer", "the second argument");
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

/** The sum over the last dims of a and b: shape a.shape[:-1] + b.shape[:-1]. */
export function inner(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  return tensordot(a, b, [[a.ndim - 1], [b.ndim - 1]]);
}

/** A matrix times a vector. */
export function mv(m: Tensor, v: Tensor): Tensor {
  if (m.ndim !== 2) throw new ShapeError(`mv: the matrix must be 2-D, got shape ${fmtShape(m.shape)}`);
  vector(v, "mv", "the vector");
  return matmul(m, v);
}

export interface ScaleOptions {
  beta?: number;
  alpha?: number;
}

/** β·input + α·p, where β = 0 ignores input (its NaNs too), as in PyTorch. */
function scaled(input: Tensor, p: Tensor, { beta = 1, alpha = 1 }: ScaleOptions): Tensor {
  const ap = alpha === 1 ? p : mul(p, alpha);
  if (beta === 0) return ap;
  return add(beta === 1 ? input : mul(input, beta), ap);
}

/** β·input + α·(m1 @ m2). */
export function addmm(input: Tensor, m1: Tensor, m2: Tensor, options: ScaleOptions = {}): Tensor {
  if (m1.ndim !== 2 || m2.ndim !== 2) throw new ShapeError(`addmm: the matrices must be 2-D, got shapes ${fmtShape(m1.shape)} and ${fmtShape(m2.shape)}`);
  return scaled(input, matmul(m1, m2), options);
}

/** β·input + α·(b1 @ b2) for each batch. */
export function baddbmm(input: Tensor, b1: Tensor, b2: Tensor, options: ScaleOptions = {}): Tensor {
  if (b1.ndim !== 3 || b2.ndim !== 3) throw new ShapeError(`baddbmm: the batches must be 3-D, got shapes ${fmtShape(b1.shape)} and ${fmtShape(b2.shape)}`);
  return scaled(input, matmul(b1, b2), options);
}

/** β·input + α·Σ_b (b1[b] @ b2[b]). */
export function addbmm(input: Tensor, b1: Tensor, b2: Tensor, options: ScaleOptions = {}): Tensor {
  if (b1.ndim !== 3 || b2.ndim !== 3) throw new ShapeError(`addbmm: the batches must be 3-D, got shapes ${fmtShape(b1.shape)} and ${fmtShape(b2.shape)}`);
  return scaled(input, sum(matmul(b1, b2), 0), options);
}

/** β·input + α·(mat @ vec). */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options: ScaleOptions = {}): Tensor {
  return scaled(input, mv(mat, vec), options);
}

/** β·input + α·outer(v1, v2). */
export function addr(input: Tensor, v1: Tensor, v2: Tensor, options: ScaleOptions = {}): Tensor {
  return scaled(input, outer(v1, v2), options);
}

/**
 * Contracts a's dims with b's: the last `dims` of a with the first `dims` of b, or the listed
 * pairs. The result has a's free dims, then b's.
 */
export function tensordot(a: Tensor, b: Tensor, dims: number | readonly [readonly number[], readonly number[]] = 2): Tensor {
  let [da, db]: number[][] = [[], []];
  if (typeof dims === "number") {
    if (!Number.isInteger(dims) || dims < 0 || dims > a.ndim || dims > b.ndim) throw new ValueError(`tensordot: dims must be an integer from 0 to ${Math.min(a.ndim, b.ndim)}, got ${dims}`);
    da = Array.from({ length: dims }, (_, i) => a.ndim - dims + i);
    db = Array.from({ length: dims }, (_, i) => i);
  } else {
    da = dims[0].map((d) => normalizeDim(d, a.ndim, "tensordot"));
    db = dims[1].map((d) => normalizeDim(d, b.ndim, "tensordot"));
    if (da.length !== db.length) throw new ValueError(`tensordot: ${da.length} dim(s) of a paired with ${db.length} of b`);
  }
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]!]) throw new ShapeError(`tensordot: dim ${d} of a (size ${a.shape[d]}) and dim ${db[i]} of b (size ${b.shape[db[i]!]}) differ; shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  });
  const freeA = Array.from({ length: a.ndim }, (_, i) => i).filter((i) => !da.includes(i));
  const freeB = Array.from({ length: b.ndim }, (_, i) => i).filter((i) => !db.includes(i));
  const k = product(da.map((d) => a.shape[d]!));
  const am = reshape(permute(a, [...freeA, ...da]), [product(freeA.map((d) => a.shape[d]!)), k]);
  const bm = reshape(permute(b, [...db, ...freeB]), [k, product(freeB.map((d) => b.shape[d]!))]);
  return reshape(matmul(am, bm), [...freeA.map((d) => a.shape[d]!), ...freeB.map((d) => b.shape[d]!)]);
}

/** An operand with one label per dim. */
interface Labelled {
  t: Tensor;
  labels: string[];
}

/** The subscripts of one operand, with "..." expanded to labels shared right-aligned by all operands. */
function parseTerm(term: string, ndim: number | null, ellipsisDims: number, equation: string): string[] {
  const parts = term.split("...");
  if (parts.length > 2) throw new ValueError(`einsum: more than one "..." in "${term}" (${equation})`);
  const letters = (s: string) => {
    const bad = [...s].find((c) => !/[a-zA-Z]/.test(c));
    if (bad) throw new ValueError(`einsum: subscripts are letters, got ${JSON.stringify(bad)} in "${equation}"`);
    return [...s];
  };
  if (parts.length === 1) {
    const labels = letters(term);
    if (ndim !== null && labels.length !== ndim) throw new ShapeError(`einsum: "${term}" names ${labels.length} dims, but its operand has ${ndim} (${equation})`);
    return labels;
  }
  const [before, after] = [letters(parts[0]!), letters(parts[1]!)];
  const n = ndim === null ? ellipsisDims : ndim - before.length - after.length;
  if (n < 0) throw new ShapeError(`einsum: "${term}" names more dims than its operand's ${ndim} (${equation})`);
  return [...before, ...Array.from({ length: n }, (_, i) => `…${ellipsisDims - n + i}`), ...after];
}

/** Sums out the labels not wanted; a label named twice in one operand first becomes its diagonal. */
function prepare({ t, labels }: Labelled, wanted: (label: string) => boolean): Labelled {
  for (;;) {
    const i = labels.findIndex((l, j) => labels.indexOf(l) !== j);
    if (i < 0) break;
    const first = labels.indexOf(labels[i]!);
    if (t.shape[first] !== t.shape[i]) throw new ShapeError(`einsum: label ${labels[i]} names dims of sizes ${t.shape[first]} and ${t.shape[i]} in one operand`);
    t = diagonal(t, 0, first, i);
    labels = [...labels.filter((_, j) => j !== first && j !== i), labels[i]!];
  }
  const drop = labels.map((l, i) => (wanted(l) ? -1 : i)).filter((i) => i >= 0);
  return drop.length ? { t: sum(t, drop), labels: labels.filter((_, i) => !drop.includes(i)) } : { t, labels };
}

/** Two operands as one: shared labels still wanted stay as a batch, the others are contracted by one bmm. */
function contract(a: Labelled, b: Labelled, wanted: (label: string) => boolean): Labelled {
  const batch = a.labels.filter((l) => b.labels.includes(l) && wanted(l));
  const summed = a.labels.filter((l) => b.labels.includes(l) && !wanted(l));
  const freeA = a.labels.filter((l) => !b.labels.includes(l));
  const freeB = b.labels.filter((l) => !a.labels.includes(l));
  const size = new Map<string, number>();
  for (const { t, labels } of [a, b]) {
    labels.forEach((l, i) => {
      const s = t.shape[i]!;
      const seen = size.get(l);
      if (seen !== undefined && seen !== s && seen !== 1 && s !== 1) throw new ShapeError(`einsum: label ${l} names dims of sizes ${seen} and ${s}`);
      size.set(l, seen === undefined || seen === 1 ? s : seen);
    });
  }
  // Size-1 dims broadcast against the other operand's.
  const arranged = ({ t, labels }: Labelled, order: string[]) => expand(permute(t, order.map((l) => labels.indexOf(l))), order.map((l) => size.get(l)!));
  const sizes = (ls: string[]) => ls.map((l) => size.get(l)!);
  const am = reshape(arranged(a, [...batch, ...freeA, ...summed]), [product(sizes(batch)), product(sizes(freeA)), product(sizes(summed))]);
  const bm = reshape(arranged(b, [...batch, ...summed, ...freeB]), [product(sizes(batch)), product(sizes(summed)), product(sizes(freeB))]);
  return { t: reshape(matmul(am, bm), [...sizes(batch), ...sizes(freeA), ...sizes(freeB)]), labels: [...batch, ...freeA, ...freeB] };
}

/**
 * Einstein summation, as torch.einsum: "ij,jk->ik", "bij,bjk->bik", "ii->i", "...ij->...ji", and
 * with no "->" the labels named once, in alphabetical order. Operands are contracted left to right,
 * each pair through one batched matmul.
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  const eq = equation.replace(/\s+/g, "");
  const [lhs, rhs] = eq.includes("->") ? (eq.split("->") as [string, string]) : [eq, undefined];
  const terms = lhs.split(",");
  if (terms.length !== operands.length) throw new ValueError(`einsum: "${equation}" has ${terms.length} operand(s), got ${operands.length} tensor(s)`);
  const ellipsisDims = Math.max(0, ...terms.map((term, i) => (term.includes("...") ? operands[i]!.ndim - term.replace("...", "").length : 0)));
  let inputs: Labelled[] = terms.map((term, i) => ({ t: operands[i]!, labels: parseTerm(term, operands[i]!.ndim, ellipsisDims, equation) }));
  const all = inputs.flatMap((x) => x.labels);
  const output = rhs !== undefined
    ? parseTerm(rhs, null, ellipsisDims, equation)
    : [...all.filter((l) => l.startsWith("…")).filter((l, i, xs) => xs.indexOf(l) === i).sort(), ...[...new Set(all.filter((l) => !l.startsWith("…")))].filter((l) => all.indexOf(l) === all.lastIndexOf(l)).sort()];
  const missing = output.find((l) => !all.includes(l));
  if (missing) throw new ValueError(`einsum: the output label ${missing} is not in any operand (${equation})`);
  if (new Set(output).size !== output.length) throw new ValueError(`einsum: a label appears twice in the output (${equation})`);
  // Each operand alone first: its diagonals, and the labels no other operand or the output names.
  inputs = inputs.map((x, i) => prepare(x, (l) => output.includes(l) || inputs.some((y, j) => j !== i && y.labels.includes(l))));
  let result = inputs[0]!;
  for (let i = 1; i < inputs.length; i++) {
    const later = inputs.slice(i + 1);
    result = contract(result, inputs[i]!, (l) => output.includes(l) || later.some((y) => y.labels.includes(l)));
  }
  result = prepare(result, (l) => output.includes(l));
  return permute(result.t, output.map((l) => result.labels.indexOf(l)));
}
