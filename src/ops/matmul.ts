/** Matrix products: torch.matmul's rules over one batched [B,M,K]·[B,K,N] primitive. */
import { DTypeError, ShapeError, fmtShape } from "../base/errors.js";
import { promoteTypes } from "../base/dtype.js";
import { broadcastShapes } from "../base/shape.js";
import type { Tensor } from "./tensor.js";
import { apply } from "./dispatch.js";
import { cast } from "./elementwise.js";
import { expand, reshape, squeeze, unsqueeze } from "./movement.js";

function mismatch(op: string, a: Tensor, b: Tensor): ShapeError {
  return new ShapeError(
    `${op}: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${a.shape[a.ndim - 1]} != ${b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2]})`,
  );
}

/**
 * torch.matmul: 1-D operands are promoted to a matrix and the added dim removed afterwards; batch
 * dims broadcast. When only `a` has batch dims they fold into its rows, so x[B,T,K]·W[K,N] is one
 * [1, B·T, K]·[1, K, N] product and W is never copied.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dim, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  if (a.dtype === "bool" || b.dtype === "bool") throw new DTypeError(`matmul: not defined for bool tensors`);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
  const [M, K] = a2.shape.slice(-2) as [number, number];
  const [K2, N] = b2.shape.slice(-2) as [number, number];
  if (K !== K2) throw mismatch("matmul", a, b);
  const batchA = a2.shape.slice(0, -2);
  const batchB = b2.shape.slice(0, -2);
  let out: Tensor;
  if (batchB.every((d) => d === 1) && batchA.length >= batchB.length) {
    const rows = reshape(cast(a2, dtype), [1, batchA.reduce((p, d) => p * d, 1) * M, K]);
    const mat = reshape(cast(b2, dtype), [1, K, N]);
    out = reshape(apply("matmul", [rows, mat], {}), [...batchA, M, N]);
  } else {
    const batch = broadcastShapes([batchA, batchB], "matmul");
    const B = batch.reduce((p, d) => p * d, 1);
    const ea = reshape(expand(cast(a2, dtype), [...batch, M, K]), [B, M, K]);
    const eb = reshape(expand(cast(b2, dtype), [...batch, K, N]), [B, K, N]);
    out = reshape(apply("matmul", [ea, eb], {}), [...batch, M, N]);
  }
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
}

/** Plain 2-D product. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new ShapeError(`mm: expects 2-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[1] !== b.shape[0]) throw mismatch("mm", a, b);
  return matmul(a, b);
}

/** Batched product of 3-D tensors with equal batch sizes. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) throw new ShapeError(`bmm: expects 3-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0]) throw new ShapeError(`bmm: batch sizes differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[2] !== b.shape[1]) throw mismatch("bmm", a, b);
  return matmul(a, b);
}
