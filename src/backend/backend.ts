/**
 * The backend contract: the only door between tensors and memory.
 *
 * A backend owns storage (flat buffers) and implements a small set of primitive kernels. Everything
 * else — broadcasting, views, softmax, norms, losses, every gradient — is composed above it in
 * TypeScript, so a new backend is ~15 kernels plus the conformance suite (test/backends/).
 *
 * Why this set:
 * - fromArray / toArray / fill / arange / random: getting numbers in and out, and creating them on
 *   the device without a round trip (random is counter-based, see base/rng.ts, so that every backend
 *   draws the same numbers for the same seed);
 * - copy / cast: materialise any strided view contiguously (reshape of a non-contiguous view, clone);
 * - unary / binary / where: all elementwise maths; inputs are strided views of the output's shape
 *   (broadcasting arrives as stride 0), the output is contiguous;
 * - reduce / argReduce: sum, prod, max, min over any set of axes; argmax/argmin over one;
 * - matmul: batched [B,M,K]·[B,K,N] over strided operands (a transpose is just strides);
 * - gather / scatterAdd: indexing along a dim (embeddings, cross-entropy picks, their gradients);
 * - pad / concat: the movement that views cannot express;
 * - assign: in-place write of a view into another view (optimizer updates, `copy_`);
 * - im2col / col2im: the sliding windows of convolution and pooling, and their adjoint, so that a
 *   convolution is one im2col and one matmul, and pooling is a reduction over windows.
 * Fused routines are optional methods with composed fallbacks (adamStep, sgdStep, softmax, layer
 * norm, GELU, batch norm, the LSTM and GRU cells, 2×2 max pooling, the k-means step): each runs or
 * says "not here" (null), and the caller composes.
 */
import type { AnyTypedArray, DType } from "../base/dtype.js";
import { contiguousStrides, numel, type Shape } from "../base/shape.js";
import type { BinaryOp, ReduceOp, UnaryOp } from "../base/op-table.js";

/** A flat buffer owned by a backend. Elements are of one dtype. */
export interface Storage {
  readonly backend: Backend;
  readonly dtype: DType;
  readonly size: number;
}

/** A strided window onto a storage: element (i0, i1, …) lives at offset + Σ ik·strides[k]. */
export interface View {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly strides: Shape;
  readonly offset: number;
}

/** The elementwise and reduction ops: base/op-table.ts lists them. */
export type { BinaryOp, ReduceOp, UnaryOp } from "../base/op-table.js";
/** How scatterReduce combines the values meeting at one position. */
export type ScatterReduceOp = "amax" | "amin" | "prod";
export type ArgReduceOp = "argmax" | "argmin";
export type RandomDistribution = "uniform" | "normal";


/** Geometry of 2-D sliding windows (PyTorch's unfold/fold): [height, width] pairs. */
export interface WindowGeometry {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
}

/** Output grid of sliding windows over an input of spatial size [h, w]. */
export function windowGrid(size: readonly [number, number], g: WindowGeometry): [number, number] {
  const out = (i: 0 | 1) => Math.floor((size[i] + 2 * g.padding[i] - g.dilation[i] * (g.kernel[i] - 1) - 1) / g.stride[i]) + 1;
  return [out(0), out(1)];
}

/**
 * Constant padding composed from a backend's own fill and assign: the padded block, then x written
 * into its interior. Backends without a padding kernel of their own use it.
 */
export function padByAssign(b: Backend, x: View, pads: readonly (readonly [number, number])[], value: number): Storage {
  const shape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
  const out = b.fill(numel(shape), value, x.storage.dtype);
  const strides = contiguousStrides(shape);
  const offset = pads.reduce((o, [before], i) => o + before * strides[i]!, 0);
  b.assign({ storage: out, shape: x.shape, strides, offset }, x);
  return out;
}

/** Concatenation composed from assign: each view written into its slab of `out` (new storage of the joined size). */
export function concatByAssign(b: Backend, xs: readonly View[], axis: number, empty: (dtype: DType, size: number) => Storage): Storage {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
  const out = empty(xs[0]!.storage.dtype, numel(shape));
  const strides = contiguousStrides(shape);
  let at = 0;
  for (const x of xs) {
    b.assign({ storage: out, shape: x.shape, strides, offset: at * strides[axis]! }, x);
    at += x.shape[axis]!;
  }
  return out;
}

/** Hyper-parameters of one fused Adam/AdamW step (see Backend.adamStep). */
export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly instead of adding weightDecay·p to the gradient. */
  decoupled: boolean;
  maximize: boolean;
  /** lr / (1 − β1^t) */
  stepSize: number;
  /** √(1 − β2^t) */
  bc2Sqrt: number;
}

/**
 * What a fused attention computes besides q, k and v: the scores' scale, the causal mask (query i
 * sees keys j ≤ i), and dropout of the weights (null: none) as dropout's: weight (b, i, j) kept,
 * times 1/(1 − p), where the uniform draw at counter offset + (b·L + i)·S + j of seed is ≥ p.
 */
export interface AttentionSpec {
  readonly scale: number;
  readonly causal: boolean;
  readonly dropout: { readonly p: number; readonly seed: number; readonly offset: number } | null;
}

/** Hyper-parameters of one fused SGD step (see Backend.sgdStep). */
export interface SgdStep {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The momentum buffer is new: it takes the gradient as is. */
  first: boolean;
}

/** The kernels every backend implements (the required methods of Backend). */
export const KERNELS = [
  "fromArray", "toArray", "dispose", "fill", "arange", "random", "copy", "cast", "unary", "binary", "where", "reduce",
  "argReduce", "argsort", "argmode", "matmul", "gather", "scatterAdd", "scatterReduce", "pad", "concat", "assign", "im2col", "col2im",
] as const;
export type KernelName = (typeof KERNELS)[number];

/** The optional fused routines (forward and backward methods). */
export const FUSED_ROUTINES = [
  "adamStep", "sgdStep", "softmax", "softmaxBackward", "layerNorm", "layerNormBackward", "layerNormAffine", "layerNormAffineBackward", "gelu", "geluBackward", "reluBackward", "dropout", "dropoutBackward", "linear",
  "lstmCell", "lstmCellBackward", "lstmSequence", "lstmSequenceBackward", "gruSequence", "gruSequenceBackward", "rnnSequence", "rnnSequenceBackward", "batchNorm", "batchNormBackward", "gruCell", "gruCellBackward", "maxPool2x2", "maxPool2x2Backward", "kmeansStep",
  "attention", "attentionBackward", "polygamma", "incompleteGamma", "eigh", "svd",
] as const satisfies readonly (keyof Backend)[];

export interface Backend {
  readonly name: string;
  supportsDType(dtype: DType): boolean;

  /**
   * Whether this backend runs `kernel` on `dtype` (for unary/binary/reduce/argReduce/random, also
   * `op`) with code of its own, rather than handing it to `fallback`. The conformance suite checks
   * every kernel a backend owns, and checks that owning one means never calling the fallback for it.
   */
  owns(kernel: KernelName, dtype: DType, op?: string): boolean;
  /** The backend this one delegates what it does not own to (the reference loops), or null. */
  readonly fallback: Backend | null;

  /** Threads the backend may use for large kernels (1 where it does not thread). */
  readonly numThreads: number;
  /** Sets numThreads (n: a positive integer); a no-op on a backend that does not thread. */
  setNumThreads(n: number): void;

  /** Copies a typed array of `dtype` into new storage. */
  fromArray(data: AnyTypedArray, dtype: DType): Storage;
  /** Reads a view in row-major order into a new typed array of the view's dtype. */
  toArray(view: View): AnyTypedArray;
  /**
   * The asynchronous read, for a backend whose memory lives on a device (WebGPU): it resolves once
   * the kernels before it have run. A backend without it is read with toArray.
   */
  read?(view: View): Promise<AnyTypedArray>;
  /**
   * For a backend whose reads are asynchronous: makes a ValueError with `message` of any true
   * element of the bool view `flags`, raised by the next read, so that an op can refuse bad values
   * without waiting for them. "{position}" in the message becomes the 1-based flat position of
   * the first true element, "{index}" its 0-based one, and "{value}" the element of the float
   * `values` (flags' shape) there.
   * A backend without it is checked at once (ops/deferred-check.ts).
   */
  deferCheck?(flags: View, message: string, values?: View): void;
  /** Releases the memory now; later use of the storage is an error. */
  dispose(storage: Storage): void;

  fill(size: number, value: number, dtype: DType): Storage;
  /** start + i·step for i < size. */
  arange(size: number, start: number, step: number, dtype: DType): Storage;
  /** Counter-based draws: element i uses counter offset + i under seed (base/rng.ts). */
  random(size: number, dist: RandomDistribution, seed: number, offset: number, dtype: DType): Storage;

  copy(x: View): Storage;
  cast(x: View, dtype: DType): Storage;
  /** Elementwise; the output has x's dtype (bool for logicalNot). */
  unary(op: UnaryOp, x: View): Storage;
  /** Elementwise over same-shape views of one dtype; comparisons and logical ops give bool. */
  binary(op: BinaryOp, a: View, b: View): Storage;
  /** cond ? a : b over same-shape views; cond is bool, a and b share a dtype. */
  where(cond: View, a: View, b: View): Storage;
  /** Reduces the given axes away (output shape: x.shape without them, row-major). */
  reduce(op: ReduceOp, x: View, axes: readonly number[]): Storage;
  /** Index (int32) of the first max/min along one axis, which is removed. */
  argReduce(op: ArgReduceOp, x: View, axis: number): Storage;
  /**
   * The (int32) order that sorts each line along `axis`, stably, NaN as the largest value (as
   * PyTorch's sort); the output is contiguous with `axis` moved last.
   */
  argsort(x: View, axis: number, descending: boolean): Storage;
  /**
   * Index (int32) of each line's mode along `axis`, which is removed: the most frequent value (the
   * smallest of equally frequent ones) at its last occurrence, as PyTorch's mode.
   */
  argmode(x: View, axis: number): Storage;
  /** [B,M,K]·[B,K,N] → contiguous [B,M,N]. */
  matmul(a: View, b: View): Storage;
  /** out[…i…] = x[…index[…i…]…] along dim; the output has index's shape. */
  gather(x: View, dim: number, index: View): Storage;
  /** A copy of base with src[…i…] added at base[…index[…i…]…] along dim. */
  scatterAdd(base: View, dim: number, index: View, src: View): Storage;
  /**
   * A copy of base with src[…i…] combined into base[…index[…i…]…] along dim by max, min or product;
   * without includeSelf, a position that receives src forgets base's value first.
   */
  scatterReduce(base: View, dim: number, index: View, src: View, reduce: ScatterReduceOp, includeSelf: boolean): Storage;
  /** Constant padding: pads[d] = [before, after] elements for every dim d. */
  pad(x: View, pads: readonly (readonly [number, number])[], value: number): Storage;
  /** Joins views that agree on every dim but `axis`. */
  concat(xs: readonly View[], axis: number): Storage;
  /** Writes src (same shape) into the elements of dst, in place. */
  assign(dst: View, src: View): void;
  /**
   * x [N,C,H,W] → [N, C·kh·kw, OH·OW]: row (c·kh + i)·kw + j, column oh·OW + ow holds
   * x[n, c, oh·sh − ph + i·dh, ow·sw − pw + j·dw], or padValue outside the input.
   * batchInner lays the storage out as [C·kh·kw, N, OH·OW] instead (the batch inside each row), so
   * that a convolution over the whole batch is one GEMM with no copy between.
   */
  im2col(x: View, g: WindowGeometry, padValue: number, batchInner?: boolean): Storage;
  /** The adjoint of im2col: cols [N, C·kh·kw, OH·OW] (any strides) summed back into [N, C, H, W] (size = [H, W]). */
  col2im(cols: View, channels: number, size: readonly [number, number], g: WindowGeometry): Storage;

  // ---- Optional fused routines -----------------------------------------------------------------
  // One contract for all of them: a routine either runs or returns null, "not here" — a dtype,
  // layout or size it does not take — and the caller then composes the same maths. Callers never
  // check a routine's preconditions. test/backends/fused-conformance.test.ts runs every routine a
  // backend offers against the composed reference.

  /** One Adam step over a parameter, its gradient and both moment buffers, in place; true when done. */
  adamStep?(param: View, grad: View, expAvg: View, expAvgSq: View, h: AdamStep): true | null;
  /** One SGD step in place (momentumBuffer null without momentum); true when done. */
  sgdStep?(param: View, grad: View, momentumBuffer: View | null, h: SgdStep): true | null;

  /**
   * Softmax (or, with log, log-softmax) of each row of a [R, C] view, along its last dim;
   * softmaxBackward is its vector–Jacobian product from the output y and gradient g.
   */
  softmax?(x: View, log: boolean): Storage | null;
  softmaxBackward?(y: View, g: View, log: boolean): Storage | null;
  /**
   * Layer normalisation (x − mean)/√(var + eps) of each row of a [R, C] view (no affine part);
   * layerNormBackward gives dx from x and g.
   */
  layerNorm?(x: View, eps: number): Storage | null;
  layerNormBackward?(x: View, g: View, eps: number): Storage | null;
  /**
   * With the affine part in the same pass: x̂·weight + bias, weight and bias [C];
   * layerNormAffineBackward gives [dx, dweight, dbias] from x, g and the weight.
   */
  layerNormAffine?(x: View, weight: View, bias: View, eps: number): Storage | null;
  layerNormAffineBackward?(x: View, g: View, weight: View, eps: number): [Storage, Storage, Storage] | null;
  /**
   * GELU, x·Φ(x) ("none") or GPT-2's tanh form; geluBackward gives dx = g·GELU′(x). Both in one
   * pass where the composed op takes five or more.
   */
  gelu?(x: View, approximate: "none" | "tanh"): Storage | null;
  geluBackward?(x: View, g: View, approximate: "none" | "tanh"): Storage | null;
  /**
   * Dropout in one pass: [x·scale where the uniform draw at counter offset + i of the (folded) seed
   * is ≥ p, else 0, scale = 1/(1 − p); that mask, `rand(x.shape) >= p`, as bool]. With relu, the
   * same of relu(x) in the same pass, the mask then also false where x ≤ 0 or NaN: the gradient's.
   */
  dropout?(x: View, p: number, seed: number, offset: number, relu: boolean): [Storage, Storage] | null;
  /** Dropout's gradient from g and the forward's bool mask keep (same shape): g·scale where keep, else 0. */
  dropoutBackward?(g: View, keep: View, scale: number): Storage | null;
  /** A linear layer's x·wᵀ + bias for x [M, K], w [N, K] and bias [N], the bias added in the product's own stores. */
  linear?(x: View, w: View, bias: View): Storage | null;

  /**
   * One LSTM cell step from gate pre-activations gates [N, 4H] (i, f, g, o) and the cell state
   * c [N, H] → [h, cNext, act], act [N, 5H] holding σ(i), σ(f), tanh(g), σ(o), tanh(cNext) for
   * lstmCellBackward.
   */
  lstmCell?(gates: View, c: View): [Storage, Storage, Storage] | null;
  /** Its vector–Jacobian product: → [dgates [N, 4H], dc [N, H]]; a null gradient is zero. */
  lstmCellBackward?(act: View, c: View, dh: View | null, dcNext: View | null): [Storage, Storage] | null;
  /**
   * An LSTM layer in one direction over a whole sequence: proj [T, N, 4H] (x·W_ihᵀ + b_ih + b_hh),
   * h0 and c0 [N, H], W_hh [4H, H], and a mask [T, N] (1 while a sequence lasts, 0 after: the
   * state holds) or null → [hs, cs, act]: the states by time [T + 1, N, H] (state 0 is h0 running
   * forward; state T is h0 reversed) and act [T, N, 5H] as lstmCell's per step.
   */
  lstmSequence?(proj: View, h0: View, c0: View, wHh: View, mask: View | null, reverse: boolean): [Storage, Storage, Storage] | null;
  /**
   * Backward through time from the gradients reaching hs and cs [T + 1, N, H] and the last states
   * hN and cN [N, H] (null: zero) → [dproj [T, N, 4H], dhs, dcs [T + 1, N, H]]: the gradients
   * accumulated through time, whose initial state's slice is h0's and c0's. W_hh's gradient,
   * Σₜ dprojₜᵀ·hₜ₋₁, is one GEMM for the caller.
   */
  lstmSequenceBackward?(act: View, cs: View, wHh: View, mask: View | null, dhs: View | null, dcs: View | null, dhN: View | null, dcN: View | null, reverse: boolean): [Storage, Storage, Storage] | null;
  /**
   * A GRU layer in one direction over a whole sequence: xProj [T, N, 3H] (x·W_ihᵀ + b_ih), h0 [N, H],
   * W_hh [3H, H], b_hh [3H], and a mask as lstmSequence's → [hs [T + 1, N, H], act [T, N, 4H]]
   * (r, z, n and n's hidden pre-activation of each step).
   */
  gruSequence?(xProj: View, h0: View, wHh: View, bHh: View, mask: View | null, reverse: boolean): [Storage, Storage] | null;
  /**
   * Its backward through time from the gradient reaching hs → [dxProj, dhProj [T, N, 3H], dhs
   * [T + 1, N, H]] (h0's gradient is dhs' initial state); W_hh's and b_hh's gradients are sums over
   * dhProj for the caller.
   */
  gruSequenceBackward?(act: View, hs: View, wHh: View, mask: View | null, dhs: View, reverse: boolean): [Storage, Storage, Storage] | null;
  /**
   * A plain RNN layer in one direction over a whole sequence: xProj [T, N, H] (x·W_ihᵀ + b_ih + b_hh),
   * h0 [N, H], W_hh [H, H], a mask as lstmSequence's, tanh or ReLU → hs [T + 1, N, H].
   */
  rnnSequence?(xProj: View, h0: View, wHh: View, mask: View | null, reverse: boolean, relu: boolean): Storage | null;
  /** Its backward through time from the gradient reaching hs → [dxProj [T, N, H], dhs [T + 1, N, H]]. */
  rnnSequenceBackward?(hs: View, wHh: View, mask: View | null, dhs: View, reverse: boolean, relu: boolean): [Storage, Storage] | null;
  /**
   * Batch norm in training mode over a [N, C, S] view, statistics per channel over N and S, with
   * weight and bias [C] → [y, mean [C], biased variance [C]].
   */
  batchNorm?(x: View, weight: View, bias: View, eps: number): [Storage, Storage, Storage] | null;
  /** Its vector–Jacobian product from g (as x) and the forward's statistics → [dx, dweight, dbias]. */
  batchNormBackward?(x: View, g: View, mean: View, variance: View, weight: View, eps: number): [Storage, Storage, Storage] | null;
  /**
   * One GRU cell step from xProj, hProj [N, 3H] (r, z, n) and h [N, H] → [hNext, act], act [N, 3H]
   * holding r, z, n for gruCellBackward.
   */
  gruCell?(xProj: View, hProj: View, h: View): [Storage, Storage] | null;
  /** Its vector–Jacobian product: → [dxProj, dhProj, dh]. */
  gruCellBackward?(act: View, hProj: View, h: View, dhNext: View): [Storage, Storage, Storage] | null;
  /** ReLU's gradient from its output y and g (same shape): g where y > 0, else 0. */
  reluBackward?(y: View, g: View): Storage | null;
  /**
   * Max pooling of a [N, C, H, W] view over 2×2 windows with stride 2 → [values [N, C, ⌊H/2⌋,
   * ⌊W/2⌋], int32 indices of each window's first maximum (NaN first) within its H·W plane]; the
   * gradient is a scatter-add at those indices.
   */
  maxPool2x2?(x: View): [Storage, Storage] | null;
  /**
   * Its gradient from g [N, C, ⌊H/2⌋, ⌊W/2⌋] and those indices, for an input of H × W: each
   * window's gradient at its index, zero elsewhere → dx [N, C, H, W].
   */
  maxPool2x2Backward?(g: View, indices: View, size: readonly [number, number]): Storage | null;
  /**
   * One Lloyd iteration of k-means over x [n, d], centres [k, d] and weights [n] (null: unit
   * weights) → [labels (int32 [n]), each row's squared distance ‖x − c‖² to its nearest centre,
   * computed directly [n], the weighted row sums per centre [k, d], the weight per centre [k]].
   */
  kmeansStep?(x: View, centres: View, weights: View | null): [Storage, Storage, Storage, Storage] | null;
  /**
   * Scaled dot-product attention in one pass, the weights never stored: q [B, L, E], k [B, S, E],
   * v [B, S, Ev] and an additive float mask [1 or B, L, S] (null: none) → [out [B, L, Ev], lse
   * [B, L]]: softmax(q·scale·kᵀ + mask) (causal and dropped out as spec says) times v, and each
   * row's log-sum-exp of its scores (NaN where every key is masked), which the backward reads to
   * recompute the weights.
   */
  attention?(q: View, k: View, v: View, mask: View | null, spec: AttentionSpec): [Storage, Storage] | null;
  /**
   * Its vector–Jacobian product from the forward's out and lse and the gradient g [B, L, Ev] →
   * [dq [B, L, E], dkv [B, S, E + Ev]]: each key's row holds dk, then dv (one buffer, so that the
   * kernel that writes both fits WebGPU's eight storage buffers).
   */
  attentionBackward?(q: View, k: View, v: View, mask: View | null, out: View, lse: View, g: View, spec: AttentionSpec): [Storage, Storage] | null;
  /**
   * The polygamma function ψ⁽ⁿ⁾ of each element (n = 0: digamma), each value taking the steps of
   * the recurrence it needs, where the composed form takes as many for all as the smallest value
   * needs (and so must read it). Its gradient is ψ⁽ⁿ⁺¹⁾, the same routine.
   */
  polygamma?(x: View, n: number): Storage | null;
  /**
   * The regularised incomplete gamma function P(a, x) of same-shape a and x (upper: Q(a, x) =
   * 1 − P), each element by the series or the continued fraction it needs.
   */
  incompleteGamma?(a: View, x: View, upper: boolean): Storage | null;
  /**
   * Eigenpairs of symmetric matrices a [B, n, n], their lower triangles read, each scaled so that
   * its largest entry has magnitude at most 1 → [values [B, n] ascending, vectors [B, n, n] (the
   * columns)], each eigenvector's largest component positive.
   */
  eigh?(a: View): [Storage, Storage] | null;
  /**
   * The thin SVD of a [B, m, n] with m ≥ n, scaled as for eigh → [U [B, m, n], S [B, n]
   * descending, V [B, n, n] (not Vᵀ)], each column of V's largest component positive and U's
   * columns for zero singular values completed to an orthonormal set.
   */
  svd?(a: View): [Storage, Storage, Storage] | null;
}
