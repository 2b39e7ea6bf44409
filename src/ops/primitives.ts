/**
 * The primitive set: every differentiable building block, its attributes, and how it runs.
 *
 * A primitive is either a backend kernel (elementwise, reduce, matmul, gather, …) or a view (reshape,
 * permute, expand, slice: new shape and strides over the same storage, no kernel). Every other op in
 * tensorgrad is composed of these, and autograd needs a rule for exactly these
 * (autograd/rules/<family>.ts; a missing rule is a compile error).
 *
 * Inputs reaching a primitive are already checked and prepared by the op layer: elementwise inputs
 * have the output's shape (broadcasting is an explicit `expand`) and one dtype.
 */
import type { DType } from "../base/dtype.js";
import { contiguousStrides, numel, viewStrides, type Shape } from "../base/shape.js";
import { BINARY_OP_NAMES, REDUCE_OP_NAMES, UNARY_OP_NAMES } from "../base/op-table.js";
import { Tensor } from "./tensor.js";
import { windowGrid, type BinaryOp, type ReduceOp, type ScatterReduceOp, type Storage, type UnaryOp, type WindowGeometry } from "../backend/backend.js";

type None = Record<never, never>;

export type UnaryPrimitive = UnaryOp;
export type BinaryPrimitive = BinaryOp;
export type ReducePrimitive = ReduceOp;

export type PrimitiveAttrs = { [K in UnaryPrimitive | BinaryPrimitive]: None } & {
  [K in ReducePrimitive]: { dims: readonly number[] };
} & {
  where: None;
  cast: { dtype: DType };
  contiguous: None;
  argmax: { dim: number };
  argmin: { dim: number };
  /** The order sorting each line along dim (int32), with dim moved last. */
  argsort: { dim: number; descending: boolean };
  /** Index of each line's mode along dim (int32), dim removed. */
  argmode: { dim: number };
  matmul: None;
  gather: { dim: number };
  scatterAdd: { dim: number };
  scatterReduce: { dim: number; reduce: ScatterReduceOp; includeSelf: boolean };
  pad: { pads: readonly (readonly [number, number])[]; value: number };
  cat: { dim: number };
  /** Multi-output: consecutive views of the given sizes along dim (gradient: one cat, not a pad per piece). */
  split: { dim: number; sizes: readonly number[] };
  /** Fused (backends offering Backend.softmax): softmax or log-softmax along the last dim of a contiguous float32 tensor. */
  softmax: { log: boolean };
  /** Fused (backends offering Backend.layerNorm): (x − mean)/√(var + eps) along the last dim of a contiguous float32 tensor. */
  layerNorm: { eps: number };
  /** Fused (backends offering Backend.layerNormAffine): layerNorm's x̂·weight + bias for x [R, C], weight and bias [C]. */
  layerNormAffine: { eps: number };
  /** Fused (backends offering Backend.gelu): GELU of a contiguous float32 tensor, exact or the tanh form. */
  gelu: { approximate: "none" | "tanh" };
  /** Multi-output, fused (backends offering Backend.dropout): [x·1/(1 − p) where the uniform draw at counter offset + i of seed is ≥ p, else 0; that mask]; of relu(x) with relu, the mask also x > 0. */
  dropout: { p: number; seed: number; offset: number; relu: boolean };
  /** Fused (backends offering Backend.linear): x·wᵀ + b for x [M, K], w [N, K], b [N]. */
  linear: None;
  /** Multi-output, fused (backends offering Backend.batchNorm): [y, mean, variance] from [x [N, C, S], weight, bias]. */
  batchNorm: { eps: number };
  /** Multi-output, fused (backends offering Backend.lstmCell): [h, cNext, act] from [gates, c]. */
  lstmCell: None;
  /**
   * Multi-output, fused (backends offering Backend.lstmSequence): [hs, cs, act, hN, cN], the states by
   * time [T + 1, N, H], the gates, and copies of the last states [N, H], from [proj [T, N, 4H], h0,
   * c0, W_hh] and a mask [T, N] for packed input. The last states are outputs of their own so that
   * their gradients arrive as [N, H], not as a whole sequence of zeros around one slice.
   */
  lstmSequence: { reverse: boolean };
  /** Multi-output, fused (backends offering Backend.gruSequence): [hs, act] from [xProj [T, N, 3H], h0, W_hh, b_hh] and a mask [T, N]. */
  gruSequence: { reverse: boolean };
  /** Fused (backends offering Backend.rnnSequence): hs [T + 1, N, H] from [xProj [T, N, H], h0, W_hh] and a mask [T, N]. */
  rnnSequence: { reverse: boolean; relu: boolean };
  /** Multi-output, fused (backends offering Backend.gruCell): [hNext, act] from [xProj, hProj, h]. */
  gruCell: None;
  /** Multi-output, fused (backends offering Backend.maxPool2x2): [values, indices] of 2×2 stride-2 max pooling of [N, C, H, W]. */
  maxPool2x2: None;
  /** Multi-output, fused (backends offering Backend.kmeansStep), not differentiable: [labels, dist, sums, mass] from [x, centres] or [x, centres, weights]. */
  kmeansStep: None;
  /**
   * Multi-output, fused (backends offering Backend.attention): [out [B, L, Ev], lse [B, L]] from
   * [q [B, L, E], k [B, S, E], v [B, S, Ev]] and an additive float mask [1 or B, L, S]; dropout of
   * the weights with p > 0 (the draws at seed, offset + the weight's index, as dropout's).
   */
  attention: { scale: number; causal: boolean; p: number; seed: number; offset: number };
  /** Fused (backends offering Backend.polygamma): ψ⁽ⁿ⁾ of each element of a contiguous float32 tensor. */
  polygamma: { n: number };
  /** Fused (backends offering Backend.incompleteGamma): P(a, x), or Q(a, x) with upper, of contiguous same-shape float32 a and x. */
  incompleteGamma: { upper: boolean };
  /**
   * Multi-output, fused (backends offering Backend.eigh), not differentiable (linalg.eigh attaches
   * the gradient): [values [B, n], vectors [B, n, n]] of contiguous float32 symmetric a [B, n, n].
   */
  eigh: None;
  /** Multi-output, fused (backends offering Backend.svd), not differentiable: [U [B, m, n], S [B, n], V [B, n, n]] of contiguous float32 a [B, m, n], m ≥ n. */
  svd: None;
  /** batchInner: the result's storage is [C·kh·kw, N, L] (a strided [N, C·kh·kw, L] view of it). */
  im2col: { geometry: WindowGeometry; padValue: number; batchInner?: boolean };
  col2im: { geometry: WindowGeometry; channels: number; size: readonly [number, number] };
  // Views: no kernel, same storage.
  reshape: { shape: readonly number[] };
  permute: { dims: readonly number[] };
  expand: { shape: readonly number[] };
  slice: { dim: number; start: number; step: number; length: number };
};

export type PrimitiveName = keyof PrimitiveAttrs;

type T = Tensor;
/** Each primitive's inputs, by position (the rules and forwards read them without `!`). */
export type PrimitiveInputs = { [K in UnaryPrimitive | ReducePrimitive]: readonly [x: T] } & { [K in BinaryPrimitive]: readonly [a: T, b: T] } & {
  where: readonly [cond: T, a: T, b: T];
  cast: readonly [x: T];
  contiguous: readonly [x: T];
  argmax: readonly [x: T];
  argmin: readonly [x: T];
  argsort: readonly [x: T];
  argmode: readonly [x: T];
  matmul: readonly [a: T, b: T];
  gather: readonly [x: T, index: T];
  scatterAdd: readonly [base: T, index: T, src: T];
  scatterReduce: readonly [base: T, index: T, src: T];
  pad: readonly [x: T];
  cat: readonly T[];
  split: readonly [x: T];
  softmax: readonly [x: T];
  layerNorm: readonly [x: T];
  layerNormAffine: readonly [x: T, weight: T, bias: T];
  gelu: readonly [x: T];
  dropout: readonly [x: T];
  linear: readonly [x: T, w: T, b: T];
  batchNorm: readonly [x: T, weight: T, bias: T];
  lstmCell: readonly [gates: T, c: T];
  lstmSequence: readonly [proj: T, h0: T, c0: T, wHh: T] | readonly [proj: T, h0: T, c0: T, wHh: T, mask: T];
  gruSequence: readonly [xProj: T, h0: T, wHh: T, bHh: T] | readonly [xProj: T, h0: T, wHh: T, bHh: T, mask: T];
  rnnSequence: readonly [xProj: T, h0: T, wHh: T] | readonly [xProj: T, h0: T, wHh: T, mask: T];
  gruCell: readonly [xProj: T, hProj: T, h: T];
  maxPool2x2: readonly [x: T];
  kmeansStep: readonly [x: T, centres: T] | readonly [x: T, centres: T, weights: T];
  attention: readonly [q: T, k: T, v: T] | readonly [q: T, k: T, v: T, mask: T];
  polygamma: readonly [x: T];
  incompleteGamma: readonly [a: T, x: T];
  eigh: readonly [a: T];
  svd: readonly [a: T];
  im2col: readonly [x: T];
  col2im: readonly [cols: T];
  reshape: readonly [x: T];
  permute: readonly [x: T];
  expand: readonly [x: T];
  slice: readonly [x: T];
};

/** The outputs of the primitives with several, by position; every other primitive has exactly one. */
export type PrimitiveOutputs = { [K in PrimitiveName]: K extends keyof SeveralOutputs ? SeveralOutputs[K] : readonly [T] };
interface SeveralOutputs {
  split: readonly T[];
  batchNorm: readonly [y: T, mean: T, variance: T];
  lstmCell: readonly [h: T, cNext: T, act: T];
  lstmSequence: readonly [hs: T, cs: T, act: T, hN: T, cN: T];
  gruSequence: readonly [hs: T, act: T];
  gruCell: readonly [hNext: T, act: T];
  maxPool2x2: readonly [values: T, indices: T];
  dropout: readonly [y: T, keep: T];
  kmeansStep: readonly [labels: T, dist: T, sums: T, mass: T];
  attention: readonly [out: T, lse: T];
  eigh: readonly [values: T, vectors: T];
  svd: readonly [u: T, s: T, v: T];
}

/** Primitives with several outputs; every other primitive has exactly one. */
export type MultiOutputPrimitive = "split" | "batchNorm" | "lstmCell" | "lstmSequence" | "gruSequence" | "gruCell" | "maxPool2x2" | "dropout" | "kmeansStep" | "attention" | "eigh" | "svd";
export const MULTI_OUTPUT: ReadonlySet<PrimitiveName> = new Set<MultiOutputPrimitive>(["split", "batchNorm", "lstmCell", "lstmSequence", "gruSequence", "gruCell", "maxPool2x2", "dropout", "kmeansStep", "attention", "eigh", "svd"]);

/**
 * Primitives that run a backend's optional fused routine. Their forward returns null — "not here" —
 * where the backend has no such routine or declines these inputs (a dtype, layout or size it does
 * not take); the op then composes the same maths (ops/fused.ts).
 */
export type FusedPrimitive = "softmax" | "layerNorm" | "layerNormAffine" | "gelu" | "dropout" | "linear" | "batchNorm" | "lstmCell" | "lstmSequence" | "gruSequence" | "rnnSequence" | "gruCell" | "maxPool2x2" | "kmeansStep" | "attention" | "polygamma" | "incompleteGamma" | "eigh" | "svd";

/** What a primitive's forward returns. */
export type ForwardResult<K extends PrimitiveName> = (K extends MultiOutputPrimitive ? Tensor[] : Tensor) | (K extends FusedPrimitive ? null : never);
type Forward<K extends PrimitiveName> = (inputs: PrimitiveInputs[K], attrs: PrimitiveAttrs[K]) => ForwardResult<K>;

function fromStorage(storage: Storage, shape: Shape): Tensor {
  return new Tensor(storage, shape, contiguousStrides(shape), 0);
}

const unary = (op: UnaryOp): Forward<UnaryPrimitive> => ([x]) => fromStorage(x.backend.unary(op, x), x.shape);
const binary = (op: BinaryOp): Forward<BinaryPrimitive> => ([a, b]) =>
  fromStorage(a.backend.binary(op, a, b), a.shape);
const reduce = (op: ReduceOp): Forward<ReducePrimitive> => ([x], { dims }) =>
  fromStorage(x.backend.reduce(op, x, dims), x.shape.filter((_, d) => !dims.includes(d)));

/** A fused routine's result wrapped as tensors, or null when the routine is absent or declined. */
function orNull<S, T>(result: S | null | undefined, wrap: (s: S) => T): T | null {
  return result == null ? null : wrap(result);
}

function view(x: Tensor, shape: Shape, strides: Shape, offset: number): Tensor {
  return new Tensor(x.storage, shape, strides, offset);
}

/** One primitive per op of a table kind, each running its kernel. */
function perOp<K extends string, F>(names: readonly K[], forward: (op: K) => F): Record<K, F> {
  return Object.fromEntries(names.map((op) => [op, forward(op)])) as Record<K, F>;
}

export const FORWARD: { [K in PrimitiveName]: Forward<K> } = {
  ...perOp(UNARY_OP_NAMES, unary),
  ...perOp(BINARY_OP_NAMES, binary),
  ...perOp(REDUCE_OP_NAMES, reduce),

  where: ([c, a, b]) => fromStorage(a.backend.where(c, a, b), a.shape),
  cast: ([x], { dtype }) => fromStorage(x.backend.cast(x, dtype), x.shape),
  contiguous: ([x]) => fromStorage(x.backend.copy(x), x.shape),

  argmax: ([x], { dim }) => fromStorage(x.backend.argReduce("argmax", x, dim), x.shape.filter((_, d) => d !== dim)),
  argmin: ([x], { dim }) => fromStorage(x.backend.argReduce("argmin", x, dim), x.shape.filter((_, d) => d !== dim)),
  argmode: ([x], { dim }) => fromStorage(x.backend.argmode(x, dim), x.shape.filter((_, d) => d !== dim)),
  argsort: ([x], { dim, descending }) => fromStorage(x.backend.argsort(x, dim, descending), [...x.shape.filter((_, d) => d !== dim), x.shape[dim]!]),

  matmul: ([a, b]) => fromStorage(a.backend.matmul(a, b), [a.shape[0]!, a.shape[1]!, b.shape[2]!]),
  gather: ([x, index], { dim }) => fromStorage(x.backend.gather(x, dim, index), index.shape),
  scatterAdd: ([base, index, src], { dim }) => fromStorage(base.backend.scatterAdd(base, dim, index, src), base.shape),
  scatterReduce: ([base, index, src], { dim, reduce, includeSelf }) =>
    fromStorage(base.backend.scatterReduce(base, dim, index, src, reduce, includeSelf), base.shape),
  pad: ([x], { pads, value }) =>
    fromStorage(x.backend.pad(x, pads, value), x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1])),
  cat: (xs, { dim }) => {
    const shape = [...xs[0]!.shape];
    shape[dim] = xs.reduce((n, x) => n + x.shape[dim]!, 0);
    return fromStorage(xs[0]!.backend.concat(xs, dim), shape);
  },

  split: ([x], { dim, sizes }) => {
    let at = 0;
    return sizes.map((len) => {
      const shape = [...x.shape];
      shape[dim] = len;
      const offset = x.offset + at * x.strides[dim]!;
      at += len;
      return view(x, shape, x.strides, offset);
    });
  },
  softmax: ([x], { log }) => orNull(x.backend.softmax?.(x, log), (y) => fromStorage(y, x.shape)),
  layerNorm: ([x], { eps }) => orNull(x.backend.layerNorm?.(x, eps), (y) => fromStorage(y, x.shape)),
  layerNormAffine: ([x, weight, bias], { eps }) => orNull(x.backend.layerNormAffine?.(x, weight, bias, eps), (y) => fromStorage(y, x.shape)),
  gelu: ([x], { approximate }) => orNull(x.backend.gelu?.(x, approximate), (y) => fromStorage(y, x.shape)),
  linear: ([x, w, b]) => orNull(x.backend.linear?.(x, w, b), (y) => fromStorage(y, [x.shape[0]!, w.shape[0]!])),
  dropout: ([x], { p, seed, offset, relu }) => orNull(x.backend.dropout?.(x, p, seed, offset, relu), ([y, keep]) => [fromStorage(y, x.shape), fromStorage(keep, x.shape)]),
  batchNorm: ([x, weight, bias], { eps }) => {
    const C = x.shape[1]!;
    return orNull(x.backend.batchNorm?.(x, weight, bias, eps), ([y, mean, variance]) => [fromStorage(y, x.shape), fromStorage(mean, [C]), fromStorage(variance, [C])]);
  },
  lstmCell: ([gates, c]) => {
    const [N, H] = c.shape as [number, number];
    return orNull(gates.backend.lstmCell?.(gates, c), ([h, cNext, act]) => [fromStorage(h, [N, H]), fromStorage(cNext, [N, H]), fromStorage(act, [N, 5 * H])]);
  },
  lstmSequence: ([proj, h0, c0, wHh, mask], { reverse }) => {
    const [T, N, G] = proj.shape as [number, number, number];
    const H = G / 4;
    const last = (s: Storage) => fromStorage(proj.backend.copy({ storage: s, shape: [N, H], strides: [H, 1], offset: (reverse ? 0 : T) * N * H }), [N, H]);
    return orNull(proj.backend.lstmSequence?.(proj, h0, c0, wHh, mask ?? null, reverse), ([hs, cs, act]) => [fromStorage(hs, [T + 1, N, H]), fromStorage(cs, [T + 1, N, H]), fromStorage(act, [T, N, 5 * H]), last(hs), last(cs)]);
  },
  gruSequence: ([xProj, h0, wHh, bHh, mask], { reverse }) => {
    const [T, N, G] = xProj.shape as [number, number, number];
    const H = G / 3;
    return orNull(xProj.backend.gruSequence?.(xProj, h0, wHh, bHh, mask ?? null, reverse), ([hs, act]) => [fromStorage(hs, [T + 1, N, H]), fromStorage(act, [T, N, 4 * H])]);
  },
  rnnSequence: ([xProj, h0, wHh, mask], { reverse, relu }) => {
    const [T, N, H] = xProj.shape as [number, number, number];
    return orNull(xProj.backend.rnnSequence?.(xProj, h0, wHh, mask ?? null, reverse, relu), (hs) => fromStorage(hs, [T + 1, N, H]));
  },
  gruCell: ([xProj, hProj, h]) => {
    const [N, H] = h.shape as [number, number];
    return orNull(h.backend.gruCell?.(xProj, hProj, h), ([hNext, act]) => [fromStorage(hNext, [N, H]), fromStorage(act, [N, 3 * H])]);
  },
  maxPool2x2: ([x]) => {
    const [N, C, H, W] = x.shape as [number, number, number, number];
    return orNull(x.backend.maxPool2x2?.(x), ([values, indices]) => [fromStorage(values, [N, C, H >> 1, W >> 1]), fromStorage(indices, [N, C, (H >> 1) * (W >> 1)])]);
  },
  kmeansStep: ([x, centres, weights]) => {
    const [n, d] = x.shape as [number, number];
    const k = centres.shape[0]!;
    return orNull(x.backend.kmeansStep?.(x, centres, weights ?? null), ([labels, dist, sums, mass]) => [fromStorage(labels, [n]), fromStorage(dist, [n]), fromStorage(sums, [k, d]), fromStorage(mass, [k])]);
  },
  attention: ([q, k, v, mask], { scale, causal, p, seed, offset }) => {
    const [B, L] = q.shape as [number, number];
    const spec = { scale, causal, dropout: p > 0 ? { p, seed, offset } : null };
    return orNull(q.backend.attention?.(q, k, v, mask ?? null, spec), ([out, lse]) => [fromStorage(out, [B, L, v.shape[2]!]), fromStorage(lse, [B, L])]);
  },
  polygamma: ([x], { n }) => orNull(x.backend.polygamma?.(x, n), (y) => fromStorage(y, x.shape)),
  incompleteGamma: ([a, x], { upper }) => orNull(x.backend.incompleteGamma?.(a, x, upper), (y) => fromStorage(y, x.shape)),
  eigh: ([a]) => {
    const [B, n] = a.shape as [number, number];
    return orNull(a.backend.eigh?.(a), ([values, vectors]) => [fromStorage(values, [B, n]), fromStorage(vectors, [B, n, n])]);
  },
  svd: ([a]) => {
    const [B, m, n] = a.shape as [number, number, number];
    return orNull(a.backend.svd?.(a), ([u, s, v]) => [fromStorage(u, [B, m, n]), fromStorage(s, [B, n]), fromStorage(v, [B, n, n])]);
  },
  im2col: ([x], { geometry, padValue, batchInner = false }) => {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = windowGrid([h, w], geometry);
    const [K, L] = [c * geometry.kernel[0] * geometry.kernel[1], oh * ow];
    const storage = x.backend.im2col(x, geometry, padValue, batchInner);
    return batchInner ? new Tensor(storage, [n, K, L], [L, n * L, 1], 0) : fromStorage(storage, [n, K, L]);
  },
  col2im: ([cols], { geometry, channels, size }) =>
    fromStorage(cols.backend.col2im(cols, channels, size, geometry), [cols.shape[0]!, channels, size[0], size[1]]),

  reshape: ([x], { shape }) => {
    const strides = viewStrides(x.shape, x.strides, shape);
    if (strides) return view(x, shape, strides, x.offset);
    // Not expressible as a view of this layout: copy first (as torch.reshape does).
    return fromStorage(x.backend.copy(x), shape);
  },
  permute: ([x], { dims }) => view(x, dims.map((d) => x.shape[d]!), dims.map((d) => x.strides[d]!), x.offset),
  expand: ([x], { shape }) => {
    const lead = shape.length - x.ndim;
    const strides = shape.map((d, i) => (i < lead || x.shape[i - lead] !== d ? 0 : x.strides[i - lead]!));
    return view(x, shape, strides, x.offset);
  },
  slice: ([x], { dim, start, step, length }) => {
    const shape = [...x.shape];
    const strides = [...x.strides];
    shape[dim] = length;
    strides[dim] = x.strides[dim]! * step;
    const offset = length === 0 && numel(shape) === 0 ? x.offset : x.offset + start * x.strides[dim]!;
    return view(x, shape, strides, offset);
  },
};
