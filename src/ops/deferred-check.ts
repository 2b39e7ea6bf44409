/**
 * Refusing bad values without waiting for them. An op whose inputs are invalid only by their
 * values (a singular matrix, a matrix that is not positive-definite, an argument outside a
 * function's domain) computes bool flags and hands them here: on the CPU backends the error is
 * raised at once; on a backend whose reads are asynchronous (webgpu) a kernel records it on the
 * device and the next read raises it, as a bad gather index is, so checking never stalls the
 * queue. PyTorch on CUDA waits for such checks instead (its `_ex` variants skip them).
 */
import { ValueError } from "../base/errors.js";
import { shortestFloat32 } from "../base/format.js";
import type { Tensor } from "./tensor.js";

/**
 * A ValueError with `message` if any element of the bool tensor `failed` is true; "{position}" in
 * the message becomes the 1-based flat position of the first true element, "{index}" its 0-based
 * one, and "{value}" the element of `values` (a float tensor of failed's shape) there.
 */
export function refuseIfAny(failed: Tensor, message: string, values?: Tensor): void {
  if (failed.backend.deferCheck) {
    failed.backend.deferCheck(failed, message, values);
    return;
  }
  const i = failed.dataSync().findIndex((v) => v !== 0);
  if (i < 0) return;
  const value = values ? values.reshape(-1).narrow(0, i, 1).item() : NaN;
  throw new ValueError(message.replaceAll("{position}", String(i + 1)).replaceAll("{index}", String(i)).replaceAll("{value}", values?.dtype === "float32" ? shortestFloat32(value) : String(value)));
}
