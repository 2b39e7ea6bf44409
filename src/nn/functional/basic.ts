/** Linear maps, dropout and embeddings. */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { rand } from "../../ops/creation.js";
import { dropoutMask, linear as fusedLinear } from "../../ops/fused.js";
import { where } from "../../ops/elementwise.js";
import { indexSelect } from "../../ops/indexing.js";
import { isFloating } from "../../base/dtype.js";

/** x·Wᵀ + b with W of shape [out, in] (PyTorch's layout). */
/**
 * A layer's input must have its weight's floating dtype (PyTorch: "mat1 and mat2 must have the same
 * dtype"): an int32 batch is not converted silently.
 */
export function checkInputDtype(op: string, x: Tensor, weight: Tensor): void {
  if (x.dtype !== weight.dtype) {
    const hint = isFloating(x.dtype) ? `.to("${weight.dtype}")` : ".float()";
    throw new DTypeError(`${op}: input of dtype ${x.dtype} (shape ${fmtShape(x.shape)}) does not match the weight's ${weight.dtype}; convert it with ${hint}`);
  }
}

/** An input a layer or loss computes on in floating point (PyTorch refuses integer inputs there too). */
export function checkFloating(op: string, x: Tensor, what = "input"): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: ${what} must be floating point, got ${x.dtype} of shape ${fmtShape(x.shape)}; use .float()`);
}

export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkInputDtype("linear", x, weight);
  return fusedLinear(x, weight, bias ?? null);
}

/** y = x1ᵀ·A·x2 + b for each output feature; weight is [out, in1, in2]. */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkInputDtype("bilinear", x1, weight);
  checkInputDtype("bilinear", x2, weight);
  const [O, I1, I2] = weight.shape as [number, number, number];
  if (x1.shape[x1.ndim - 1] !== I1 || x2.shape[x2.ndim - 1] !== I2) {
    throw new ShapeError(`bilinear: inputs of shapes ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)} do not match weight ${fmtShape(weight.shape)}`);
  }
  // (…, in1) · [in1, out·in2] → (…, out, in2), then contract in2 with x2.
  const t = x1.matmul(weight.permute(1, 0, 2).reshape(I1, O * I2)).unflatten(-1, [O, I2]);
  const out = t.mul(x2.unsqueeze(-2)).sum(-1);
  return bias ? out.add(bias) : out;
}

function checkP(p: number, op: string): void {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`${op}: dropout probability has to be between 0 and 1, got ${p}`);
}

/** Zeroes elements with probability p and scales the rest by 1/(1−p), in training only. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  checkP(p, "dropout");
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  return dropoutMask(x, p);
}

/**
 * dropout(relu(x), p, training) with the two in one pass where the backend fuses them (a
 * Transformer's feed-forward): the same numbers, random draws and gradient as the two in a row.
 */
export function reluDropout(x: Tensor, p = 0.5, training = true): Tensor {
  checkP(p, "dropout");
  if (!training || p === 0) return x.relu();
  if (p === 1) return x.relu().mul(0);
  return dropoutMask(x, p, true);
}

/** Zeroes whole channels of [N, C, …] (Dropout2d). */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  checkP(p, "dropout2d");
  if (x.ndim < 3) throw new ShapeError(`dropout2d: expected an input of at least 3 dims [N, C, …], got shape ${fmtShape(x.shape)}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const mask = rand([x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)], { dtype: x.dtype, device: x.backend }).ge(p);
  return x.mul(mask).div(1 - p);
}

/** Zeroes whole channels of [N, C, …] (or unbatched [C, …]) with `dims` dims when batched. */
function channelDropout(x: Tensor, p: number, training: boolean, op: string, dims: number): Tensor {
  checkP(p, op);
  if (x.ndim !== dims && x.ndim !== dims - 1) throw new ShapeError(`${op}: expected a ${dims - 1}-D (unbatched) or ${dims}-D input, got shape ${fmtShape(x.shape)}`);
  if (x.ndim === dims - 1) return channelDropout(x.unsqueeze(0), p, training, op, dims).squeeze(0);
  return dropout2d(x, p, training);
}

/** Zeroes whole channels of [N, C, L] or [C, L] (Dropout1d). */
export function dropout1d(x: Tensor, p = 0.5, training = true): Tensor {
  return channelDropout(x, p, training, "dropout1d", 3);
}

/** Zeroes whole channels of [N, C, D, H, W] or [C, D, H, W] (Dropout3d). */
export function dropout3d(x: Tensor, p = 0.5, training = true): Tensor {
  return channelDropout(x, p, training, "dropout3d", 5);
}

/** SELU's negative saturation value, −scale·α: what alpha dropout sets dropped elements towards. */
const ALPHA = 1.7580993408473766;

/** Alpha dropout on a keep mask (broadcast over x): a·(x·mask + α′(mask − 1)) + a·α′·p, which keeps SELU's mean 0 and variance 1. */
function alphaDrop(x: Tensor, p: number, maskShape: readonly number[]): Tensor {
  const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
  const keep = rand(maskShape, { dtype: x.dtype, device: x.backend }).ge(p).to(x.dtype);
  return x.mul(keep).add(keep.sub(1).mul(ALPHA)).mul(a).add(ALPHA * a * p);
}

/** Dropout for self-normalising networks (Klambauer et al.): dropped elements go to SELU's saturation value, then an affine map restores mean and variance. */
export function alphaDropout(x: Tensor, p = 0.5, training = false): Tensor {
  checkP(p, "alphaDropout");
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  return alphaDrop(x, p, x.shape);
}

/** alphaDropout of whole channels of [N, C, …]. */
export function featureAlphaDropout(x: Tensor, p = 0.5, training = false): Tensor {
  checkP(p, "featureAlphaDropout");
  if (x.ndim < 2) throw new ShapeError(`featureAlphaDropout: expected an input of at least 2 dims [N, C, …], got shape ${fmtShape(x.shape)}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  return alphaDrop(x, p, [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)]);
}

/**
 * Rows of weight [num, dim] for integer ids of any shape → [...ids.shape, dim]. The row at
 * paddingIdx is returned as is but gets no gradient (PyTorch's padding_idx).
 */
export function embedding(ids: Tensor, weight: Tensor, paddingIdx?: number | null): Tensor {
  if (ids.dtype !== "int32") throw new DTypeError(`embedding: ids must be an int32 tensor, got ${ids.dtype} of shape ${fmtShape(ids.shape)}`);
  const flat = ids.reshape(-1);
  let rows = indexSelect(weight, 0, flat, "embedding"); // ids in [0, num): negative ids are errors, as in PyTorch
  if (paddingIdx !== undefined && paddingIdx !== null) {
    const pad = paddingIdx < 0 ? paddingIdx + weight.shape[0]! : paddingIdx;
    rows = where(flat.eq(pad).unsqueeze(1), weight.detach().indexSelect(0, flat), rows);
  }
  return rows.reshape(...ids.shape, weight.shape[1]!);
}
