/**
 * REINFORCE (Williams 1992) with a learned baseline: complete episodes from nEnvs environments;
 * each update uses at least nEpisodes finished episodes, the discounted returns-to-go G_t, the
 * advantage G_t − V(s_t) (normalised by default) and the loss −A·log π + vfCoef·(G − V)² − entCoef·H.
 * A time-limit truncation bootstraps G from V(final obs), since the episode did not really end.
 */
import { noGrad } from "../../ops/grad-mode.js";
import { scope } from "../../base/scope.js";
import type { StateDict } from "../../nn/module.js";
import { tensor } from "../../ops/creation.js";
import { mseLoss } from "../../nn/losses.js";
import { clipGradNorm } from "../../nn/utils.js";
import { Adam } from "../../optim/optimizers.js";
import type { BoxValue } from "../spaces.js";
import type { Info } from "../env.js";
import type { BatchedObs } from "../vector.js";
import { Algorithm, prefixed, unprefixed, type Action, type AlgorithmOptions } from "./base.js";
import { evalSchedule, inputDim, obsToTensor, type Schedule } from "./common.js";
import { ActorCriticPolicy, actionDim, type ActorCriticOptions } from "./policies.js";
import { envActions, type EnvLike } from "./vec-env.js";

export interface REINFORCEOptions extends AlgorithmOptions {
  learningRate?: Schedule;
  gamma?: number;
  nEnvs?: number;
  /** Finished episodes per update. */
  nEpisodes?: number;
  entCoef?: number;
  vfCoef?: number;
  maxGradNorm?: number;
  normalizeAdvantage?: boolean;
  policyKwargs?: ActorCriticOptions;
}

interface Trajectory {
  obs: number[];
  actions: number[];
  rewards: number[];
}

export class REINFORCE extends Algorithm {
  readonly algorithm = "REINFORCE";
  readonly policy: ActorCriticPolicy;
  readonly optimizer: Adam;
  readonly lastUpdate = { policyLoss: NaN, valueLoss: NaN };
  private readonly o: Required<Omit<REINFORCEOptions, "seed">>;
  private lastObs: BatchedObs | undefined;
  private readonly running: Trajectory[];
  private finished: { obs: number[]; actions: number[]; returns: number[] }[] = [];

  constructor(env: EnvLike, options: REINFORCEOptions = {}) {
    super(env, options, options.nEnvs ?? 1);
    this.o = { learningRate: 1e-3, gamma: 0.99, nEnvs: 1, nEpisodes: 4, entCoef: 0, vfCoef: 0.5, maxGradNorm: 0.5, normalizeAdvantage: true, policyKwargs: {}, ...options };
    this.policy = new ActorCriticPolicy(this.observationSpace, this.actionSpace, this.o.policyKwargs);
    this.optimizer = new Adam(this.policy.parameters(), { lr: evalSchedule(this.o.learningRate, 1) });
    this.running = Array.from({ length: this.env.numEnvs }, () => ({ obs: [], actions: [], rewards: [] }));
  }

  protected run(end: number, onStep: (infos: readonly Info[]) => boolean): void {
    const n = this.env.numEnvs;
    const obsDim = inputDim(this.observationSpace);
    const aDim = actionDim(this.actionSpace);
    if (!this.lastObs) [this.lastObs] = this.env.reset({ seed: this.seed });
    while (this.numTimesteps < end) {
      const [actions, inputs] = scope(() => {
        const obsT = obsToTensor(this.observationSpace, this.lastObs!, n);
        return [noGrad(() => this.policy.distribution(obsT).sample().float().dataSync() as Float32Array), obsT.dataSync()];
      });
      const [obs, rewards, terminated, truncated, infos] = this.env.step(envActions(this.actionSpace, actions, n) as never[]);
      for (let i = 0; i < n; i++) {
        const tr = this.running[i]!;
        for (let j = 0; j < obsDim; j++) tr.obs.push(inputs[i * obsDim + j]!);
        for (let j = 0; j < aDim; j++) tr.actions.push(actions[i * aDim + j]!);
        tr.rewards.push(rewards[i]!);
        if (terminated[i] || truncated[i]) {
          const finalObs = infos[i]!.finalObs as BoxValue | number | undefined;
          const bootstrap = truncated[i] && !terminated[i] && finalObs !== undefined ? this.policy.value(finalObs) : 0;
          this.finishEpisode(tr, bootstrap);
          this.running[i] = { obs: [], actions: [], rewards: [] };
        }
      }
      this.lastObs = obs;
      if (!onStep(infos)) return;
      if (this.finished.length >= this.o.nEpisodes) scope(() => this.train());
    }
  }

  private finishEpisode(tr: Trajectory, bootstrap: number): void {
    const returns = new Array<number>(tr.rewards.length);
    let g = bootstrap;
    for (let t = tr.rewards.length - 1; t >= 0; t--) returns[t] = g = tr.rewards[t]! + this.o.gamma * g;
    this.finished.push({ obs: tr.obs, actions: tr.actions, returns });
  }

  private train(): void {
    for (const g of this.optimizer.paramGroups) g.lr = evalSchedule(this.o.learningRate, this.progressRemaining);
    const obsDim = inputDim(this.observationSpace);
    const aDim = actionDim(this.actionSpace);
    const all = this.finished;
    this.finished = [];
    const T = all.reduce((a, e) => a + e.returns.length, 0);
    const obs = tensor(Float32Array.from(all.flatMap((e) => e.obs)), { shape: [T, obsDim] });
    const actions = tensor(Float32Array.from(all.flatMap((e) => e.actions)), { shape: [T, aDim] });
    const returns = tensor(Float32Array.from(all.flatMap((e) => e.returns)), { shape: [T] });
    const { values, logProb, entropy } = this.policy.evaluateActions(obs, actions);
    let adv = noGrad(() => returns.sub(values));
    if (this.o.normalizeAdvantage && T > 1) adv = adv.sub(adv.mean()).div(adv.std().add(1e-8));
    const policyLoss = adv.mul(logProb).mean().neg();
    const valueLoss = mseLoss(values, returns);
    const loss = policyLoss.add(valueLoss.mul(this.o.vfCoef)).sub(entropy.mean().mul(this.o.entCoef));
    this.optimizer.zeroGrad();
    loss.backward();
    clipGradNorm(this.policy.parameters(), this.o.maxGradNorm);
    this.optimizer.step();
    Object.assign(this.lastUpdate, { policyLoss: policyLoss.item(), valueLoss: valueLoss.item() });
  }

  predict(obs: unknown, { deterministic = false }: { deterministic?: boolean } = {}): Action {
    return this.policy.act(obs as ArrayLike<number> | number, deterministic);
  }


  protected config(): Record<string, unknown> {
    const { learningRate, ...rest } = this.o;
    return { ...rest, learningRate: typeof learningRate === "number" ? learningRate : "schedule", seed: this.seed };
  }
  protected saveState(): StateDict {
    return prefixed("policy", this.policy);
  }
  loadState(state: StateDict): void {
    this.policy.loadStateDict(unprefixed("policy", state));
  }
}
