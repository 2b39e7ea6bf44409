/**
 * Self-supervised objectives: contrastive (SimCLR's NT-Xent, MoCo's InfoNCE with a memory queue)
 * and non-contrastive (BYOL's normalised regression, SimSiam's negative cosine), each a composition
 * of tensor ops, so gradients come from autograd.
 */
import type { Tensor } from "../ops/tensor.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { arange, eye, tensor, zeros } from "../ops/creation.js";
import { noGrad } from "../ops/grad-mode.js";
import { cat } from "../ops/movement.js";
import { crossEntropy } from "../nn/losses.js";
import { cosineSimilarity, normalize } from "../nn/functional/similarity.js";

function pair(a: Tensor, b: Tensor, fn: string): void {
  if (a.ndim !== 2 || b.ndim !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new ShapeError(`${fn}: expected two (N, D) batches of the same shape, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
}

function checkTemperature(t: number, fn: string): void {
  if (!(t > 0)) throw new ValueError(`${fn}: temperature must be positive, got ${t}`);
}

/**
 * SimCLR's NT-Xent (Chen et al. 2020): the 2N embeddings of two views, cosine similarities / τ,
 * each row's own similarity left out; the positive is the other view of the same example, and the
 * loss is the cross-entropy averaged over all 2N rows.
 */
export function ntXentLoss(z1: Tensor, z2: Tensor, { temperature = 0.5 }: { temperature?: number } = {}): Tensor {
  pair(z1, z2, "ntXentLoss");
  checkTemperature(temperature, "ntXentLoss");
  const n = z1.shape[0]!;
  const z = normalize(cat([z1, z2], 0), { dim: 1 }); // (2N, D)
  const logits = z.matmul(z.t()).div(temperature).maskedFill(eye(2 * n, 2 * n, { dtype: "bool", device: z.backend }), -Infinity);
  const targets = tensor(Array.from({ length: 2 * n }, (_, i) => (i + n) % (2 * n)), { dtype: "int32", device: z.backend });
  return crossEntropy(logits, targets);
}

/**
 * InfoNCE (van den Oord et al. 2018; MoCo's form): each query's positive key against negatives —
 * a memory queue of keys (M, D) when given (MoCo), else the batch's other keys. Queries and keys are
 * L2-normalised first (as MoCo's encoders do).
 */
export function infoNceLoss(query: Tensor, positiveKey: Tensor, { negativeKeys, temperature = 0.07 }: { negativeKeys?: Tensor | null; temperature?: number } = {}): Tensor {
  pair(query, positiveKey, "infoNceLoss");
  checkTemperature(temperature, "infoNceLoss");
  const q = normalize(query, { dim: 1 });
  const k = normalize(positiveKey, { dim: 1 });
  const n = q.shape[0]!;
  if (!negativeKeys) return crossEntropy(q.matmul(k.t()).div(temperature), arange(n, undefined, 1, { dtype: "int32", device: q.backend }));
  if (negativeKeys.ndim !== 2 || negativeKeys.shape[1] !== q.shape[1]) throw new ShapeError(`infoNceLoss: negativeKeys must be (M, ${q.shape[1]}), got ${fmtShape(negativeKeys.shape)}`);
  const positive = q.mul(k).sum(1, true); // (N, 1)
  const negative = q.matmul(normalize(negativeKeys, { dim: 1 }).t()); // (N, M)
  return crossEntropy(cat([positive, negative], 1).div(temperature), zeros([n], { dtype: "int32", device: q.backend }));
}

/** BYOL's loss: ‖p̄ − z̄‖² = 2 − 2·cos(p, z), the target z treated as a constant; mean over the batch. */
export function byolLoss(prediction: Tensor, target: Tensor): Tensor {
  pair(prediction, target, "byolLoss");
  return cosineSimilarity(prediction, target.detach(), { dim: 1 }).mul(-2).add(2).mean();
}

/** SimSiam's D(p, z) = −cos(p, stopgrad(z)), mean over the batch; symmetrise as ½D(p1, z2) + ½D(p2, z1). */
export function simsiamLoss(prediction: Tensor, target: Tensor): Tensor {
  pair(prediction, target, "simsiamLoss");
  return cosineSimilarity(prediction, target.detach(), { dim: 1 }).neg().mean();
}

/**
 * MoCo's queue of negative keys: a fixed-size FIFO of detached (normalised) keys. It starts empty and
 * fills as batches arrive (MoCo starts from random keys); `keys` is what infoNceLoss takes.
 */
export class MemoryQueue {
  private buffer: Tensor | null = null;
  private filled = 0;
  private pointer = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new ValueError(`MemoryQueue: size must be a positive integer, got ${size}`);
  }

  get length(): number {
    return this.filled;
  }

  /** The queued keys (length, D), or null while empty. */
  get keys(): Tensor | null {
    return this.buffer && this.filled ? this.buffer.narrow(0, 0, this.filled) : null;
  }

  /** Adds a batch of keys (B, D), replacing the oldest once full. */
  enqueue(keys: Tensor): void {
    if (keys.ndim !== 2) throw new ShapeError(`MemoryQueue.enqueue: expected (B, D) keys, got ${fmtShape(keys.shape)}`);
    const k = normalize(keys.detach(), { dim: 1 });
    this.buffer ??= zeros([this.size, k.shape[1]!], { dtype: k.dtype, device: k.backend });
    if (this.buffer.shape[1] !== k.shape[1]) throw new ShapeError(`MemoryQueue.enqueue: keys of dim ${k.shape[1]} in a queue of dim ${this.buffer.shape[1]}`);
    // Only the newest `size` keys can stay; they are written at the pointer in at most two runs.
    const rows = k.narrow(0, Math.max(0, k.shape[0]! - this.size), Math.min(k.shape[0]!, this.size));
    const count = rows.shape[0]!;
    const first = Math.min(count, this.size - this.pointer);
    const b = this.buffer;
    noGrad(() => {
      b.narrow(0, this.pointer, first).copy_(rows.narrow(0, 0, first));
      if (count > first) b.narrow(0, 0, count - first).copy_(rows.narrow(0, first, count - first));
    });
    const at = (this.pointer + count) % this.size;
    this.pointer = at;
    this.filled = Math.min(this.size, this.filled + count);
  }
}
