/**
 * PPO (Schulman et al. 2017) as Stable-Baselines3 implements it: the clipped surrogate objective,
 * GAE, optional value clipping, an entropy bonus, nEpochs of shuffled minibatches, per-minibatch
 * advantage normalisation, gradient clipping, an optional target-KL early stop, and learning rate
 * and clip range that may be schedules. Discrete or continuous (diagonal Gaussian) actions.
 */
import { noGrad } from "../../ops/grad-mode.js";
import { scope } from "../../base/scope.js";
import { ValueError } from "../../base/errors.js";
import { minimum } from "../../ops/elementwise.js";
import { mseLoss } from "../../nn/losses.js";
import { clipGradNorm } from "../../nn/utils.js";
import { Adam } from "../../optim/optimizers.js";
import { evalSchedule, type Schedule } from "./common.js";
import { OnPolicyAlgorithm, type OnPolicyOptions } from "./on-policy.js";
import type { EnvLike } from "./vec-env.js";
import type { RolloutBatch } from "./buffers.js";

export interface PPOOptions extends OnPolicyOptions {
  batchSize?: number;
  nEpochs?: number;
  clipRange?: Schedule;
  /** Clip the value prediction's change (in return units); null for none. */
  clipRangeVf?: number | null;
  /** Stop an update's epochs early when the approximate KL exceeds 1.5 × this. */
  targetKl?: number | null;
}

export class PPO extends OnPolicyAlgorithm {
  readonly algorithm = "PPO";
  readonly optimizer: Adam;
  readonly batchSize: number;
  readonly nEpochs: number;
  readonly clipRange: Schedule;
  readonly clipRangeVf: number | null;
  readonly targetKl: number | null;
  /** Statistics of the last update's last epoch (SB3's logger keys). */
  readonly lastUpdate = { policyLoss: NaN, valueLoss: NaN, entropyLoss: NaN, approxKl: NaN, clipFraction: NaN };

  constructor(env: EnvLike, o: PPOOptions = {}) {
    super(env, o, { learningRate: 3e-4, nSteps: 2048, gaeLambda: 0.95, normalizeAdvantage: true });
    this.batchSize = o.batchSize ?? 64;
    this.nEpochs = o.nEpochs ?? 10;
    this.clipRange = o.clipRange ?? 0.2;
    this.clipRangeVf = o.clipRangeVf ?? null;
    this.targetKl = o.targetKl ?? null;
    if (this.normalizeAdvantage && this.batchSize < 2) throw new ValueError("PPO: batchSize must be > 1 to normalise advantages");
    this.optimizer = new Adam(this.policy.parameters(), { lr: evalSchedule(this.learningRate, 1), eps: 1e-5 });
  }

  protected train(): void {
    const clip = evalSchedule(this.clipRange, this.progressRemaining);
    const stats = { pg: 0, vf: 0, ent: 0, kl: 0, clipped: 0, n: 0 };
    epochs: for (let epoch = 0; epoch < this.nEpochs; epoch++) {
      // The logged statistics come from the last epoch (or every epoch when a target KL needs them).
      const log = epoch === this.nEpochs - 1;
      for (const batch of this.rolloutBuffer.batches(this.batchSize, this.rng)) {
        // A scope per minibatch frees its activations and gradients' temporaries at once.
        if (!scope(() => this.minibatchStep(batch, clip, log ? stats : null))) break epochs;
      }
    }
    const n = Math.max(stats.n, 1);
    Object.assign(this.lastUpdate, { policyLoss: stats.pg / n, valueLoss: stats.vf / n, entropyLoss: stats.ent / n, approxKl: stats.kl / n, clipFraction: stats.clipped / n });
  }

  /** One gradient step on a minibatch; false when the target KL says to stop the update. */
  private minibatchStep(batch: RolloutBatch, clip: number, stats: { pg: number; vf: number; ent: number; kl: number; clipped: number; n: number } | null): boolean {
    const { values, logProb, entropy } = this.policy.evaluateActions(batch.obs, batch.actions);
    let adv = batch.advantages;
    if (this.normalizeAdvantage && adv.shape[0]! > 1) adv = adv.sub(adv.mean()).div(adv.std().add(1e-8));
    const logRatio = logProb.sub(batch.oldLogProb);
    const ratio = logRatio.exp();
    const policyLoss = minimum(adv.mul(ratio), adv.mul(ratio.clamp(1 - clip, 1 + clip))).mean().neg();
    const valuesPred = this.clipRangeVf === null ? values : batch.oldValues.add(values.sub(batch.oldValues).clamp(-this.clipRangeVf, this.clipRangeVf));
    const valueLoss = mseLoss(valuesPred, batch.returns);
    const entropyLoss = entropy.mean().neg();
    const loss = policyLoss.add(entropyLoss.mul(this.entCoef)).add(valueLoss.mul(this.vfCoef));
    const approxKl = stats || this.targetKl !== null ? noGrad(() => ratio.sub(1).sub(logRatio).mean().item()) : 0;
    if (stats) {
      stats.pg += policyLoss.item();
      stats.vf += valueLoss.item();
      stats.ent += entropyLoss.item();
      stats.kl += approxKl;
      stats.clipped += noGrad(() => ratio.sub(1).abs().gt(clip).float().mean().item());
      stats.n++;
    }
    if (this.targetKl !== null && approxKl > 1.5 * this.targetKl) return false;
    this.optimizer.zeroGrad();
    loss.backward();
    clipGradNorm(this.policy.parameters(), this.maxGradNorm);
    this.optimizer.step();
    return true;
  }

  protected override config(): Record<string, unknown> {
    return { ...super.config(), batchSize: this.batchSize, nEpochs: this.nEpochs, clipRange: typeof this.clipRange === "number" ? this.clipRange : "schedule", clipRangeVf: this.clipRangeVf, targetKl: this.targetKl };
  }
}
