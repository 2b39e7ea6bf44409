/**
 * torch.distributions.Categorical: a distribution over 0 … K−1 along the last dim, from `probs`
 * (normalised for you) or `logits` (unnormalised log-probabilities). Batched: logits of shape
 * (..., K) give a batch of distributions of shape (...). Sampling is Gumbel-max, which draws exactly
 * from the categorical in one tensor pass.
 */
import type { Tensor } from "../ops/tensor.js";
import type { Generator } from "../base/rng.js";
import { ValueError, fmtShape } from "../base/errors.js";
import { rand } from "../ops/creation.js";
import { noGrad } from "../ops/grad-mode.js";

export type CategoricalParams = { probs: Tensor; logits?: undefined } | { logits: Tensor; probs?: undefined };

export class Categorical {
  /** Normalised log-probabilities, shape (..., K). */
  readonly logits: Tensor;

  constructor(params: CategoricalParams) {
    const source = params.logits ?? params.probs;
    if (!source || source.ndim < 1) throw new ValueError(`Categorical: needs probs or logits with at least one dim, got ${source ? fmtShape(source.shape) : "neither"}`);
    const raw = params.logits ?? params.probs!.div(params.probs!.sum(-1, true)).log();
    this.logits = raw.sub(raw.logsumexp(-1, true));
  }

  get probs(): Tensor {
    return this.logits.exp();
  }
  /** The batch shape (logits' shape without the last dim). */
  get batchShape(): readonly number[] {
    return this.logits.shape.slice(0, -1);
  }
  get numEvents(): number {
    return this.logits.shape[this.logits.ndim - 1]!;
  }

  /** Draws int32 samples of shape (...sampleShape, ...batchShape); no gradient flows. */
  sample(sampleShape: readonly number[] = [], { generator }: { generator?: Generator } = {}): Tensor {
    return noGrad(() => {
      const shape = [...sampleShape, ...this.logits.shape];
      const u = rand(shape, { device: this.logits.backend, ...(generator ? { generator } : {}) }).clamp(1e-20, 1);
      const gumbel = u.log().neg().log().neg();
      return this.logits.detach().expand(...shape).add(gumbel).argmax(-1).int();
    });
  }

  /** log p(value) for integer values whose shape broadcasts with the batch shape. */
  logProb(value: Tensor): Tensor {
    const batch = broadcast(value.shape, this.batchShape);
    const logits = this.logits.expand(...batch, this.numEvents);
    const idx = value.int().expand(...batch).unsqueeze(-1);
    return logits.gather(-1, idx).squeeze(-1);
  }

  /** −Σ p log p along the last dim. */
  entropy(): Tensor {
    return this.logits.mul(this.probs).sum(-1).neg();
  }

  /** The most likely value (argmax of the probabilities). */
  get mode(): Tensor {
    return this.logits.argmax(-1).int();
  }
}

/** Broadcast of two shapes (NumPy's rule), for aligning values with a batch of distributions. */
function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new ValueError(`Categorical.logProb: value shape ${fmtShape(a)} does not broadcast with ${fmtShape(b)}`);
    return Math.max(x, y);
  });
}
