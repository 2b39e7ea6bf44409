/**
 * The on-policy loop PPO and A2C share (SB3's OnPolicyAlgorithm): collect nSteps from each of
 * nEnvs environments with the current policy into a RolloutBuffer (bootstrapping time-limit
 * truncations with γ·V(final obs)), compute GAE(λ), then let the subclass train on the rollout.
 */
import type { Tensor } from "../../ops/tensor.js";
import { noGrad } from "../../ops/grad-mode.js";
import { scope } from "../../base/scope.js";
import type { StateDict } from "../../nn/module.js";
import type { Optimizer } from "../../optim/optimizer.js";
import type { BoxValue } from "../spaces.js";
import type { Info } from "../env.js";
import type { BatchedObs } from "../vector.js";
import { Algorithm, prefixed, unprefixed, type Action, type AlgorithmOptions } from "./base.js";
import { RolloutBuffer } from "./buffers.js";
import { evalSchedule, inputDim, obsToTensor, type Schedule } from "./common.js";
import { ActorCriticPolicy, actionDim, type ActorCriticOptions } from "./policies.js";
import { envActions, type EnvLike } from "./vec-env.js";

export interface OnPolicyOptions extends AlgorithmOptions {
  learningRate?: Schedule;
  nSteps?: number;
  nEnvs?: number;
  gamma?: number;
  gaeLambda?: number;
  entCoef?: number;
  vfCoef?: number;
  maxGradNorm?: number;
  normalizeAdvantage?: boolean;
  policyKwargs?: ActorCriticOptions;
}

export abstract class OnPolicyAlgorithm extends Algorithm {
  readonly policy: ActorCriticPolicy;
  readonly rolloutBuffer: RolloutBuffer;
  abstract readonly optimizer: Optimizer<{ lr: number }>;
  protected readonly learningRate: Schedule;
  readonly nSteps: number;
  readonly gamma: number;
  readonly gaeLambda: number;
  readonly entCoef: number;
  readonly vfCoef: number;
  readonly maxGradNorm: number;
  readonly normalizeAdvantage: boolean;
  protected readonly policyKwargs: ActorCriticOptions;
  private lastObs: BatchedObs | undefined;
  private lastEpisodeStarts: Float32Array;
  private readonly obsDim: number;

  constructor(env: EnvLike, o: OnPolicyOptions, defaults: Required<Pick<OnPolicyOptions, "learningRate" | "nSteps" | "gaeLambda" | "normalizeAdvantage">>) {
    super(env, o, o.nEnvs ?? 1);
    this.learningRate = o.learningRate ?? defaults.learningRate;
    this.nSteps = o.nSteps ?? defaults.nSteps;
    this.gamma = o.gamma ?? 0.99;
    this.gaeLambda = o.gaeLambda ?? defaults.gaeLambda;
    this.entCoef = o.entCoef ?? 0;
    this.vfCoef = o.vfCoef ?? 0.5;
    this.maxGradNorm = o.maxGradNorm ?? 0.5;
    this.normalizeAdvantage = o.normalizeAdvantage ?? defaults.normalizeAdvantage;
    this.policyKwargs = o.policyKwargs ?? {};
    this.policy = new ActorCriticPolicy(this.observationSpace, this.actionSpace, this.policyKwargs);
    this.obsDim = inputDim(this.observationSpace);
    this.rolloutBuffer = new RolloutBuffer(this.nSteps, this.env.numEnvs, this.obsDim, actionDim(this.actionSpace), this.gamma, this.gaeLambda);
    this.lastEpisodeStarts = new Float32Array(this.env.numEnvs).fill(1);
  }

  /** One pass over the rollout buffer: the algorithm's gradient steps. */
  protected abstract train(): void;

  /** Sets the optimizer's learning rate from the schedule. */
  protected updateLearningRate(): void {
    const lr = evalSchedule(this.learningRate, this.progressRemaining);
    for (const g of this.optimizer.paramGroups) g.lr = lr;
  }

  protected run(end: number, onStep: (infos: readonly Info[]) => boolean): void {
    const n = this.env.numEnvs;
    if (!this.lastObs) [this.lastObs] = this.env.reset({ seed: this.seed });
    while (this.numTimesteps < end) {
      this.rolloutBuffer.reset();
      let stopped = false;
      while (!this.rolloutBuffer.full) {
        const obsT = this.obsTensor(this.lastObs!, n);
        // A scope per step frees the step's tensors at once (the loop never yields to the event loop).
        const { actions, values, logProbs } = scope(() => noGrad(() => {
          const dist = this.policy.distribution(obsT);
          const a = dist.sample();
          return { actions: a.float().dataSync() as Float32Array, values: this.policy.predictValues(obsT).dataSync() as Float32Array, logProbs: dist.logProb(a).dataSync() as Float32Array };
        }));
        const [obs, rewards, terminated, truncated, infos] = this.env.step(envActions(this.actionSpace, actions, n) as never[]);
        const r = Float32Array.from(rewards);
        // A time-limit truncation is not a terminal state: add γ·V(final obs) to the last reward (SB3).
        for (let i = 0; i < n; i++) {
          const finalObs = infos[i]!.finalObs as BoxValue | number | undefined;
          if (truncated[i] && !terminated[i] && finalObs !== undefined) {
            r[i] = r[i]! + this.gamma * this.policy.value(finalObs);
          }
        }
        this.rolloutBuffer.add(this.lastObs!, actions, r, this.lastEpisodeStarts, values, logProbs);
        this.lastObs = obs;
        this.lastEpisodeStarts = Float32Array.from({ length: n }, (_, i) => (terminated[i] || truncated[i] ? 1 : 0));
        if (!onStep(infos)) {
          stopped = true;
          break;
        }
      }
      if (stopped) return;
      const lastValues = scope(() => noGrad(() => this.policy.predictValues(this.obsTensor(this.lastObs!, n)).dataSync()));
      this.rolloutBuffer.computeReturnsAndAdvantage(lastValues, this.lastEpisodeStarts);
      this.updateLearningRate();
      scope(() => this.train());
    }
  }

  private obsTensor(obs: BatchedObs, n: number): Tensor {
    return obsToTensor(this.observationSpace, obs, n);
  }

  predict(obs: unknown, { deterministic = false }: { deterministic?: boolean } = {}): Action {
    return this.policy.act(obs as ArrayLike<number> | number, deterministic);
  }


  protected config(): Record<string, unknown> {
    return {
      learningRate: typeof this.learningRate === "number" ? this.learningRate : "schedule",
      nSteps: this.nSteps, nEnvs: this.env.numEnvs, gamma: this.gamma, gaeLambda: this.gaeLambda, entCoef: this.entCoef,
      vfCoef: this.vfCoef, maxGradNorm: this.maxGradNorm, normalizeAdvantage: this.normalizeAdvantage, policyKwargs: this.policyKwargs, seed: this.seed,
    };
  }
  protected saveState(): StateDict {
    return prefixed("policy", this.policy);
  }
  loadState(state: StateDict): void {
    this.policy.loadStateDict(unprefixed("policy", state));
  }
}
