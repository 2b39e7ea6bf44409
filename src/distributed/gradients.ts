/**
 * Gradients as one flat buffer for a single all-reduce, and the mean written back: what
 * DistributedDataParallel's buckets and Keras' DataParallel both do around their collective.
 */
import { noGrad } from "../ops/grad-mode.js";
import { keep } from "../base/scope.js";
import type { Tensor } from "../ops/tensor.js";
import { bumpVersion } from "../base/version.js";
import { tensor } from "../ops/creation.js";
import { ownElements } from "./collectives.js";

/** Where each tensor's elements start in a flat buffer of them all, and the buffer's length. */
export function flatOffsets(tensors: readonly Tensor[]): { offsets: number[]; length: number } {
  const offsets: number[] = [];
  let length = 0;
  for (const t of tensors) offsets.push(length), (length += t.numel());
  return { offsets, length };
}

/** Copies each parameter's gradient (zeros where it has none) into `into` at its offset. */
export function packGradients(params: readonly Tensor[], offsets: readonly number[], into: Float32Array): void {
  params.forEach((p, i) => {
    const at = offsets[i]!;
    if (p.grad) into.set(ownElements(p.grad) ?? p.grad.contiguous().dataSync(), at);
    else into.fill(0, at, at + p.numel());
  });
}

/**
 * Writes sums / count into each parameter's gradient: straight into its memory where it is one
 * contiguous run, else through a tensor; a parameter without a gradient gets one only if its mean is
 * not zero (it was used on another rank).
 */
export function writeMeans(params: readonly Tensor[], offsets: readonly number[], sums: Float32Array, count: number): void {
  const scale = 1 / count;
  noGrad(() =>
    params.forEach((p, i) => {
      const sum = sums.subarray(offsets[i]!, offsets[i]! + p.numel());
      const own = p.grad && ownElements(p.grad);
      if (own) {
        for (let j = 0; j < own.length; j++) own[j] = sum[j]! * scale;
        bumpVersion(p.grad!.storage);
        return;
      }
      const values = tensor(sum, { shape: p.shape }).mul(scale);
      if (p.grad) p.grad.copy_(values);
      else if (values.abs().max().item() > 0) p.grad = keep(values); // outlives backward's scope
    }),
  );
}
