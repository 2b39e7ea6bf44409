/**
 * A2C (Mnih et al. 2016, synchronous) as Stable-Baselines3 implements it: nSteps (5) from each of
 * nEnvs environments, one gradient step on −A·log π + vfCoef·(R − V)² − entCoef·H, RMSprop with
 * α = 0.99, ε = 1e-5 (or Adam), gradient clipping at 0.5.
 */
import { mseLoss } from "../../nn/losses.js";
import { clipGradNorm } from "../../nn/utils.js";
import { Adam, RMSprop } from "../../optim/optimizers.js";
import { evalSchedule } from "./common.js";
import { OnPolicyAlgorithm, type OnPolicyOptions } from "./on-policy.js";
import type { EnvLike } from "./vec-env.js";

export interface A2COptions extends OnPolicyOptions {
  useRmsProp?: boolean;
  rmsPropEps?: number;
}

export class A2C extends OnPolicyAlgorithm {
  readonly algorithm = "A2C";
  readonly optimizer: RMSprop | Adam;
  readonly useRmsProp: boolean;
  readonly lastUpdate = { policyLoss: NaN, valueLoss: NaN, entropyLoss: NaN };

  constructor(env: EnvLike, o: A2COptions = {}) {
    super(env, o, { learningRate: 7e-4, nSteps: 5, gaeLambda: 1.0, normalizeAdvantage: false });
    this.useRmsProp = o.useRmsProp ?? true;
    const lr = evalSchedule(this.learningRate, 1);
    this.optimizer = this.useRmsProp
      ? new RMSprop(this.policy.parameters(), { lr, alpha: 0.99, eps: o.rmsPropEps ?? 1e-5 })
      : new Adam(this.policy.parameters(), { lr });
  }

  protected train(): void {
    // The whole rollout as one batch, in order (the shuffle does not matter for one step).
    for (const batch of this.rolloutBuffer.batches(this.rolloutBuffer.nSteps * this.rolloutBuffer.nEnvs, this.rng)) {
      const { values, logProb, entropy } = this.policy.evaluateActions(batch.obs, batch.actions);
      let adv = batch.advantages;
      if (this.normalizeAdvantage) adv = adv.sub(adv.mean()).div(adv.std().add(1e-8));
      const policyLoss = adv.mul(logProb).mean().neg();
      const valueLoss = mseLoss(values, batch.returns);
      const entropyLoss = entropy.mean().neg();
      const loss = policyLoss.add(entropyLoss.mul(this.entCoef)).add(valueLoss.mul(this.vfCoef));
      this.optimizer.zeroGrad();
      loss.backward();
      clipGradNorm(this.policy.parameters(), this.maxGradNorm);
      this.optimizer.step();
      Object.assign(this.lastUpdate, { policyLoss: policyLoss.item(), valueLoss: valueLoss.item(), entropyLoss: entropyLoss.item() });
    }
  }

  protected override config(): Record<string, unknown> {
    return { ...super.config(), useRmsProp: this.useRmsProp };
  }
}
