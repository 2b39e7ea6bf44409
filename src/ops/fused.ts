/**
 * Fused ops: one primitive where the backend's fused routine takes the inputs, the same maths
 * composed of ordinary ops where it returns "not here" (the reference backend, float64, odd
 * layouts). Either way the values and gradients are the composed formula's. These ops hand the
 * routines contiguous inputs (the layout every fused kernel reads) but never check a routine's
 * preconditions: the routine declines what it cannot run.
 */
import { ShapeError, fmtShape } from "../base/errors.js";
import type { Tensor } from "./tensor.js";
import type { Backend } from "../backend/backend.js";
import { defaultGenerator } from "../base/rng.js";
import { randAt, zeros } from "./creation.js";
import { tryApply, tryApplyMulti } from "./dispatch.js";
import { clamp, where } from "./elementwise.js";
import { chunk } from "./movement.js";

/**
 * A linear layer, x·wᵀ + b for x [..., K], w [N, K], b [N] (PyTorch's layout): one product with the
 * bias added in its stores where the backend fuses it, else matmul then add.
 */
export function linear(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const out = w.shape[0]!;
  if (b && x.ndim >= 1 && w.ndim === 2 && b.ndim === 1 && b.shape[0] === out && x.shape[x.ndim - 1] === w.shape[1]) {
    const fused = tryApply("linear", [x.reshape(-1, w.shape[1]!).contiguous(), w.contiguous(), b.contiguous()], {});
    if (fused) return fused.reshape(...x.shape.slice(0, -1), out);
  }
  const y = x.matmul(w.t());
  return b ? y.add(b) : y;
}

/**
 * Dropout's training branch, 0 < p < 1: x·1/(1 − p) where the next numel uniform draws of the
 * default generator are ≥ p, else 0 — `where(rand(x.shape) >= p, x·scale, 0)`. Fused, one pass
 * each way: the forward keeps the mask as bytes for the gradient, since hashing the counters
 * again costs several memory passes. With relu, dropout(relu(x)) with relu in the same passes
 * (the fused mask is then also relu's): the numbers and draws of the two ops in a row.
 */
export function dropoutMask(x: Tensor, p: number, relu = false, [seed, offset] = reserveDraws(x.numel())): Tensor {
  return tryApplyMulti("dropout", [x.contiguous()], { p, seed, offset, relu })?.[0] ?? composedDropout(relu ? x.relu() : x, p, seed, offset);
}

/** The default generator's next n counters, reserved: [seed, the first], what a dropout of n elements draws. */
export function reserveDraws(n: number): [number, number] {
  return [defaultGenerator.seed, defaultGenerator.take(n)];
}

/** where(uniform draws at these counters ≥ p, t·1/(1 − p), 0): dropout composed of ordinary ops, where no routine runs it. */
function composedDropout(t: Tensor, p: number, seed: number, offset: number): Tensor {
  return where(randAt(t.shape, seed, offset, t).ge(p), t.mul(1 / (1 - p)), 0);
}

/**
 * One LSTM cell step from the gate pre-activations gates [N, 4H] (PyTorch's order i, f, g, o) and
 * the cell state c [N, H]: c' = σ(f)·c + σ(i)·tanh(g), h = σ(o)·tanh(c'). Returns [h, c'].
 */
export function lstmCell(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  const [N, H] = c.shape as [number, number];
  if (gates.ndim !== 2 || c.ndim !== 2 || gates.shape[0] !== N || gates.shape[1] !== 4 * H) {
    throw new ShapeError(`lstmCell: gates must be [N, 4H] for a state c of [N, H]; got ${fmtShape(gates.shape)} and ${fmtShape(c.shape)}`);
  }
  const fused = tryApplyMulti("lstmCell", [gates.contiguous(), c.contiguous()], {});
  if (fused) return [fused[0]!, fused[1]!];
  const [i, f, g, o] = chunk(gates, 4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const cNext = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
  return [o.sigmoid().mul(cNext.tanh()), cNext];
}

/**
 * An LSTM layer in one direction over a whole sequence, as one primitive where the backend has the
 * routine: proj [T, N, 4H] holds x·W_ihᵀ + b_ih + b_hh of every step, h0 and c0 [N, H] the initial
 * state, wHh [4H, H], and mask [T, N] (float, 1 while a sequence lasts) packed input's lengths.
 * Returns the states by time, hs and cs [T + 1, N, H] (state 0 is the initial one running forward,
 * state T reversed), and the last states hN and cN [N, H]; or null ("not here": the caller steps
 * through time with lstmCell).
 */
export function lstmSequence(proj: Tensor, h0: Tensor, c0: Tensor, wHh: Tensor, mask: Tensor | null, reverse: boolean): [hs: Tensor, cs: Tensor, hN: Tensor, cN: Tensor] | null {
  const [T, N, G] = proj.shape as [number, number, number];
  const H = G / 4;
  const ok = (t: Tensor, shape: number[]) => t.ndim === shape.length && shape.every((d, i) => t.shape[i] === d);
  if (proj.ndim !== 3 || !ok(h0, [N, H]) || !ok(c0, [N, H]) || !ok(wHh, [G, H]) || (mask && !ok(mask, [T, N]))) {
    throw new ShapeError(`lstmSequence: expected proj [T, N, 4H], h0 and c0 [N, H], wHh [4H, H] and mask [T, N]; got ${fmtShape(proj.shape)}, ${fmtShape(h0.shape)}, ${fmtShape(c0.shape)}, ${fmtShape(wHh.shape)}${mask ? ` and ${fmtShape(mask.shape)}` : ""}`);
  }
  if (T === 0 || N === 0 || H === 0) return null;
  const inputs = [proj.contiguous(), h0.contiguous(), c0.contiguous(), wHh.contiguous()] as const;
  const outs = tryApplyMulti("lstmSequence", mask ? [...inputs, mask.contiguous()] : inputs, { reverse });
  return outs ? [outs[0]!, outs[1]!, outs[3]!, outs[4]!] : null;
}

/**
 * A GRU layer in one direction over a whole sequence, as one primitive where the backend has the
 * routine: xProj [T, N, 3H] holds x·W_ihᵀ + b_ih of every step, h0 [N, H] the initial state, wHh
 * [3H, H] and bHh [3H] (null: no bias) the hidden projection, mask as lstmSequence's. Returns the
 * states by time hs [T + 1, N, H], or null ("not here": the caller steps through time with gruCell).
 */
export function gruSequence(xProj: Tensor, h0: Tensor, wHh: Tensor, bHh: Tensor | null, mask: Tensor | null, reverse: boolean): Tensor | null {
  const [T, N, G] = xProj.shape as [number, number, number];
  const H = G / 3;
  const ok = (t: Tensor, shape: number[]) => t.ndim === shape.length && shape.every((d, i) => t.shape[i] === d);
  if (xProj.ndim !== 3 || !ok(h0, [N, H]) || !ok(wHh, [G, H]) || (bHh && !ok(bHh, [G])) || (mask && !ok(mask, [T, N]))) {
    throw new ShapeError(`gruSequence: expected xProj [T, N, 3H], h0 [N, H], wHh [3H, H], bHh [3H] and mask [T, N]; got ${fmtShape(xProj.shape)}, ${fmtShape(h0.shape)}, ${fmtShape(wHh.shape)}${bHh ? `, ${fmtShape(bHh.shape)}` : ""}${mask ? ` and ${fmtShape(mask.shape)}` : ""}`);
  }
  if (T === 0 || N === 0 || H === 0) return null;
  const inputs = [xProj.contiguous(), h0.contiguous(), wHh.contiguous(), (bHh ?? zeros([G], { dtype: xProj.dtype, device: xProj.backend })).contiguous()] as const;
  return tryApplyMulti("gruSequence", mask ? [...inputs, mask.contiguous()] : inputs, { reverse })?.[0] ?? null;
}

/**
 * A plain RNN layer (tanh, or ReLU) in one direction over a whole sequence, as one primitive where
 * the backend has the routine: xProj [T, N, H] holds x·W_ihᵀ + b_ih + b_hh of every step, h0 [N, H],
 * wHh [H, H], mask as lstmSequence's. Returns the states by time hs [T + 1, N, H], or null.
 */
export function rnnSequence(xProj: Tensor, h0: Tensor, wHh: Tensor, mask: Tensor | null, reverse: boolean, relu: boolean): Tensor | null {
  const [T, N, H] = xProj.shape as [number, number, number];
  const ok = (t: Tensor, shape: number[]) => t.ndim === shape.length && shape.every((d, i) => t.shape[i] === d);
  if (xProj.ndim !== 3 || !ok(h0, [N, H]) || !ok(wHh, [H, H]) || (mask && !ok(mask, [T, N]))) {
    throw new ShapeError(`rnnSequence: expected xProj [T, N, H], h0 [N, H], wHh [H, H] and mask [T, N]; got ${fmtShape(xProj.shape)}, ${fmtShape(h0.shape)}, ${fmtShape(wHh.shape)}${mask ? ` and ${fmtShape(mask.shape)}` : ""}`);
  }
  if (T === 0 || N === 0 || H === 0) return null;
  const inputs = [xProj.contiguous(), h0.contiguous(), wHh.contiguous()] as const;
  return tryApply("rnnSequence", mask ? [...inputs, mask.contiguous()] : inputs, { reverse, relu });
}

/**
 * One GRU cell step (PyTorch's formulation) from xProj = x·W_ihᵀ + b_ih and hProj = h·W_hhᵀ + b_hh,
 * both [N, 3H] (r, z, n), and h [N, H]: r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r·hn),
 * h' = (1 − z)·n + z·h.
 */
export function gruCell(xProj: Tensor, hProj: Tensor, h: Tensor): Tensor {
  const [N, H] = h.shape as [number, number];
  const ok = (t: Tensor) => t.ndim === 2 && t.shape[0] === N && t.shape[1] === 3 * H;
  if (h.ndim !== 2 || !ok(xProj) || !ok(hProj)) {
    throw new ShapeError(`gruCell: xProj and hProj must be [N, 3H] for a state h of [N, H]; got ${fmtShape(xProj.shape)}, ${fmtShape(hProj.shape)} and ${fmtShape(h.shape)}`);
  }
  const fused = tryApplyMulti("gruCell", [xProj.contiguous(), hProj.contiguous(), h.contiguous()], {});
  if (fused) return fused[0]!;
  const [xr, xz, xn] = chunk(xProj, 3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = chunk(hProj, 3, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return n.add(z.mul(h.sub(n))); // (1 − z)·n + z·h
}

/**
 * Max pooling of [N, C, H, W] over 2×2 windows with stride 2, as one fused primitive on backends
 * that offer it; null elsewhere (the caller unfolds windows and takes their max).
 */
export function maxPool2x2(x: Tensor): Tensor | null {
  return tryApplyMulti("maxPool2x2", [x.contiguous()], {})?.[0] ?? null;
}

/**
 * Layer normalisation without the affine part, (x − mean)/√(var + eps) over the trailing `size`
 * elements, as one fused primitive on backends that offer it; null elsewhere (the caller composes).
 */
export function normalizeRows(x: Tensor, size: number, eps: number): Tensor | null {
  if (size === 0) return null; // no rows to normalise
  return tryApply("layerNorm", [x.reshape(-1, size).contiguous()], { eps })?.reshape(x.shape) ?? null;
}

/** normalizeRows with the affine part, x̂·weight + bias (weight and bias of `size` elements), in the same pass; null where no routine runs it. */
export function normalizeRowsAffine(x: Tensor, size: number, eps: number, weight: Tensor, bias: Tensor): Tensor | null {
  if (size === 0 || weight.numel() !== size || bias.numel() !== size) return null;
  return tryApply("layerNormAffine", [x.reshape(-1, size).contiguous(), weight.reshape(size).contiguous(), bias.reshape(size).contiguous()], { eps })?.reshape(x.shape) ?? null;
}

/**
 * One Lloyd iteration of k-means over x [n, d] with centres [k, d] and optional sample weights [n]:
 * [labels (int32 [n]: each row's nearest centre, the first of equals), dist ([n]: the squared
 * distance ‖x − c‖² to it, computed directly rather than from the GEMM identity), sums ([k, d]: the weighted rows of each centre), mass ([k]: their weights)]. Backends
 * with a fused routine read x once (distances, argmin and sums together); elsewhere it is composed
 * of ‖x‖² + ‖c‖² − 2x·cᵀ (one GEMM), argmin and scatter-adds. Not differentiable.
 */
export function kmeansStep(x: Tensor, centres: Tensor, weights: Tensor | null = null): [Tensor, Tensor, Tensor, Tensor] {
  const [n, d] = x.shape as [number, number];
  const k = centres.shape[0]!;
  if (x.ndim !== 2 || centres.ndim !== 2 || centres.shape[1] !== d || (weights && (weights.ndim !== 1 || weights.shape[0] !== n))) {
    throw new ShapeError(`kmeansStep: expected x [n, d], centres [k, d] and weights [n]; got ${fmtShape(x.shape)}, ${fmtShape(centres.shape)}${weights ? ` and ${fmtShape(weights.shape)}` : ""}`);
  }
  const [cx, cc] = [x.contiguous(), centres.contiguous()];
  const fused = tryApplyMulti("kmeansStep", weights ? [cx, cc, weights.contiguous()] : [cx, cc], {});
  if (fused) return fused as [Tensor, Tensor, Tensor, Tensor];
  const dist = clamp(x.square().sum(1, true).add(centres.square().sum(1).reshape([1, k])).sub(x.matmul(centres.t()).mul(2)), 0);
  const labels = dist.argmin(1);
  const nearest = x.sub(centres.indexSelect(0, labels)).square().sum(1);
  const onBackend = (shape: number[]) => zeros(shape, { dtype: x.dtype }).toBackend(x.backend);
  const sums = onBackend([k, d]).scatterAdd(0, labels.reshape([n, 1]).expand([n, d]), weights ? x.mul(weights.reshape([n, 1])) : x);
  const mass = onBackend([k]).scatterAdd(0, labels, weights ?? onBackend([n]).add(1));
  return [labels, nearest, sums, mass];
}

/** Whether tensors on this backend may take fusedAttention (so that callers prepare its inputs only then). */
export function offersAttention(backend: Backend): boolean {
  return typeof backend.attention === "function";
}

/**
 * Scaled dot-product attention as one primitive, the weights never stored, where the backend fuses
 * it: q [B, L, E], k [B, S, E], v [B, S, Ev], an additive float mask [1 or B, L, S] or null, the
 * causal mask, and dropout p of the weights (0: none) with the draws reserved at `draws`, as
 * dropout of the weights [B, L, S] would take them. Returns out [B, L, Ev], or null ("not here":
 * the caller composes the same maths with the same draws).
 */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, scale: number, causal: boolean, p: number, draws: [number, number] | null): Tensor | null {
  if (!offersAttention(q.backend)) return null;
  const inputs = [q.contiguous(), k.contiguous(), v.contiguous()] as const;
  const [seed, offset] = draws ?? [0, 0];
  return tryApplyMulti("attention", mask ? [...inputs, mask.contiguous()] : inputs, { scale, causal, p, seed, offset })?.[0] ?? null;
}
