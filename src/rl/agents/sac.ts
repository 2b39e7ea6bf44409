/**
 * SAC (Haarnoja et al. 2018) as Stable-Baselines3 implements it: a tanh-squashed Gaussian actor,
 * twin Q critics with Polyak-averaged targets, the clipped double-Q target with the entropy term,
 * and automatic entropy tuning towards −dim(A). Actions are learned in [−1, 1] and rescaled to the
 * environment's Box bounds.
 */
import type { Tensor } from "../../ops/tensor.js";
import { noGrad } from "../../ops/grad-mode.js";
import { scope } from "../../base/scope.js";
import { ValueError } from "../../base/errors.js";
import { cat } from "../../ops/movement.js";
import { minimum } from "../../ops/elementwise.js";
import { tensor, zeros } from "../../ops/creation.js";
import { Module, type StateDict } from "../../nn/module.js";
import { Parameter } from "../../nn/parameter.js";
import { Linear } from "../../nn/layers/linear.js";
import type { Sequential } from "../../nn/layers/container.js";
import { mseLoss } from "../../nn/losses.js";
import { Adam } from "../../optim/optimizers.js";
import { Normal } from "../../distributions/normal.js";
import { Box, type BoxValue } from "../spaces.js";
import type { Info } from "../env.js";
import type { BatchedObs } from "../vector.js";
import { Algorithm, prefixed, unprefixed, type AlgorithmOptions } from "./base.js";
import { ReplayBuffer } from "./buffers.js";
import { evalSchedule, inputDim, mlp, obsToTensor, type Schedule } from "./common.js";
import { obsRow, type EnvLike } from "./vec-env.js";

const LOG_STD_MIN = -20;
const LOG_STD_MAX = 2;

/** The squashed Gaussian policy: (mean, log σ) from an MLP; a = tanh(u), u ~ N(mean, σ). */
export class SquashedGaussianActor extends Module<[Tensor], Tensor> {
  readonly latent: Sequential;
  readonly mu: Linear;
  readonly logStd: Linear;
  constructor(obsDim: number, actDim: number, netArch: readonly number[]) {
    super();
    this.latent = this.registerModule("latent", mlp([obsDim, ...netArch], "relu", true));
    const w = netArch.length ? netArch[netArch.length - 1]! : obsDim;
    this.mu = this.registerModule("mu", new Linear(w, actDim));
    this.logStd = this.registerModule("logStd", new Linear(w, actDim));
  }
  /** A sampled (or, deterministic, the mean) squashed action and its log-probability. */
  sample(obs: Tensor, deterministic = false): { action: Tensor; logProb: Tensor } {
    const h = this.latent.forward(obs);
    const mean = this.mu.forward(h);
    const logStd = this.logStd.forward(h).clamp(LOG_STD_MIN, LOG_STD_MAX);
    const dist = new Normal(mean, logStd.exp());
    const u = deterministic ? mean : dist.rsample();
    const action = u.tanh();
    // log π(a) = log N(u) − Σ log(1 − tanh²u + ε) (the change of variables through tanh).
    const logProb = dist.logProb(u).sum(-1).sub(action.square().neg().add(1 + 1e-6).log().sum(-1));
    return { action, logProb };
  }
  forward(obs: Tensor): Tensor {
    return this.sample(obs, true).action;
  }
}

/** Q(s, a) from the concatenated observation and action. */
export class ContinuousCritic extends Module<[Tensor, Tensor], Tensor> {
  readonly q: Sequential;
  constructor(obsDim: number, actDim: number, netArch: readonly number[]) {
    super();
    this.q = this.registerModule("q", mlp([obsDim + actDim, ...netArch, 1], "relu"));
  }
  forward(obs: Tensor, action: Tensor): Tensor {
    return this.q.forward(cat([obs, action], 1)).squeeze(-1);
  }
}

export interface SACOptions extends AlgorithmOptions {
  learningRate?: Schedule;
  bufferSize?: number;
  learningStarts?: number;
  batchSize?: number;
  tau?: number;
  gamma?: number;
  trainFreq?: number;
  gradientSteps?: number;
  /** "auto" (tuned, initial 1), "auto_0.1" (tuned, initial 0.1) or a fixed coefficient. */
  entCoef?: number | string;
  targetEntropy?: number | "auto";
  targetUpdateInterval?: number;
  policyKwargs?: { netArch?: number[] };
}

export class SAC extends Algorithm {
  readonly algorithm = "SAC";
  readonly actor: SquashedGaussianActor;
  readonly critics: [ContinuousCritic, ContinuousCritic];
  readonly criticTargets: [ContinuousCritic, ContinuousCritic];
  readonly logEntCoef: Parameter | undefined;
  readonly actorOptimizer: Adam;
  readonly criticOptimizer: Adam;
  readonly entCoefOptimizer: Adam | undefined;
  readonly replayBuffer: ReplayBuffer;
  readonly targetEntropy: number;
  readonly lastUpdate = { actorLoss: NaN, criticLoss: NaN, entCoef: NaN };
  private readonly o: Required<Omit<SACOptions, "seed" | "policyKwargs" | "targetEntropy">> & { netArch: number[] };
  private readonly box: Box;
  private lastObs: BatchedObs | undefined;
  private sinceTrain = 0;
  private updates = 0;

  constructor(env: EnvLike, options: SACOptions = {}) {
    super(env, options);
    if (!(this.actionSpace instanceof Box)) throw new ValueError(`SAC: needs a Box action space, got ${this.actionSpace}`);
    if (!this.actionSpace.isBounded()) throw new ValueError(`SAC: the action space ${this.actionSpace} must be bounded (actions are squashed into it)`);
    this.box = this.actionSpace;
    const { policyKwargs, targetEntropy, ...rest } = options;
    this.o = {
      learningRate: 3e-4, bufferSize: 1_000_000, learningStarts: 100, batchSize: 256, tau: 0.005, gamma: 0.99, trainFreq: 1, gradientSteps: 1,
      entCoef: "auto", targetUpdateInterval: 1, ...rest, netArch: policyKwargs?.netArch ?? [256, 256],
    };
    const obsDim = inputDim(this.observationSpace);
    const actDim = this.box.size;
    this.targetEntropy = targetEntropy === undefined || targetEntropy === "auto" ? -actDim : targetEntropy;
    this.actor = new SquashedGaussianActor(obsDim, actDim, this.o.netArch);
    const critic = () => new ContinuousCritic(obsDim, actDim, this.o.netArch);
    this.critics = [critic(), critic()];
    this.criticTargets = [critic(), critic()];
    this.criticTargets.forEach((t, i) => t.loadStateDict(this.critics[i]!.stateDict()));
    const lr = evalSchedule(this.o.learningRate, 1);
    this.actorOptimizer = new Adam(this.actor.parameters(), { lr });
    this.criticOptimizer = new Adam([...this.critics[0].parameters(), ...this.critics[1].parameters()], { lr });
    if (typeof this.o.entCoef === "string") {
      const init = this.o.entCoef.startsWith("auto_") ? Number(this.o.entCoef.slice(5)) : 1.0;
      if (!(init > 0)) throw new ValueError(`SAC: entCoef "${this.o.entCoef}" needs a positive initial value`);
      this.logEntCoef = new Parameter(zeros([1]).add(Math.log(init)));
      this.entCoefOptimizer = new Adam([this.logEntCoef], { lr });
    }
    this.replayBuffer = new ReplayBuffer(Math.min(this.o.bufferSize, 10_000_000), obsDim, actDim);
  }

  /** [−1, 1] → the environment's bounds. */
  private unscale(a: ArrayLike<number>): Float32Array {
    return Float32Array.from(a, (v, j) => this.box.low[j]! + 0.5 * (v + 1) * (this.box.high[j]! - this.box.low[j]!));
  }
  private scale(a: ArrayLike<number>): Float32Array {
    return Float32Array.from(a, (v, j) => (2 * (v - this.box.low[j]!)) / (this.box.high[j]! - this.box.low[j]!) - 1);
  }

  protected run(end: number, onStep: (infos: readonly Info[]) => boolean): void {
    const n = this.env.numEnvs;
    const obsDim = inputDim(this.observationSpace);
    const d = this.box.size;
    if (!this.lastObs) [this.lastObs] = this.env.reset({ seed: this.seed });
    while (this.numTimesteps < end) {
      let scaled: Float32Array;
      if (this.numTimesteps < this.o.learningStarts) scaled = Float32Array.from({ length: n * d }, () => 2 * this.rng.random() - 1);
      else scaled = scope(() => noGrad(() => this.actor.sample(obsToTensor(this.observationSpace, this.lastObs!, n)).action.dataSync() as Float32Array));
      const envActs = Array.from({ length: n }, (_, i) => this.unscale(scaled.subarray(i * d, (i + 1) * d)));
      const [obs, rewards, terminated, , infos] = this.env.step(envActs);
      for (let i = 0; i < n; i++) {
        const next = (infos[i]!.finalObs as BoxValue | undefined) ?? obsRow(obs, i, obsDim);
        this.replayBuffer.add(obsRow(this.lastObs, i, obsDim), scaled.subarray(i * d, (i + 1) * d), rewards[i]!, next, terminated[i]!);
      }
      this.lastObs = obs;
      if (!onStep(infos)) return;
      this.sinceTrain++;
      if (this.sinceTrain >= this.o.trainFreq && this.numTimesteps > this.o.learningStarts) {
        this.sinceTrain = 0;
        this.train(this.o.gradientSteps);
      }
    }
  }

  /** gradientSteps SAC updates on replayed minibatches. */
  train(gradientSteps: number): void {
    const lr = evalSchedule(this.o.learningRate, this.progressRemaining);
    for (const opt of [this.actorOptimizer, this.criticOptimizer, this.entCoefOptimizer]) for (const g of opt?.paramGroups ?? []) g.lr = lr;
    for (let s = 0; s < gradientSteps; s++) scope(() => {
      const b = this.replayBuffer.sample(this.o.batchSize, this.rng);
      const { action: pi, logProb } = this.actor.sample(b.obs);
      let entCoef: Tensor;
      if (this.logEntCoef) {
        entCoef = noGrad(() => this.logEntCoef!.exp());
        const entLoss = this.logEntCoef.mul(noGrad(() => logProb.add(this.targetEntropy))).mean().neg();
        this.entCoefOptimizer!.zeroGrad();
        entLoss.backward();
        this.entCoefOptimizer!.step();
      } else entCoef = tensor([this.o.entCoef as number]);

      const target = noGrad(() => {
        const next = this.actor.sample(b.nextObs);
        const q = minimum(this.criticTargets[0].forward(b.nextObs, next.action), this.criticTargets[1].forward(b.nextObs, next.action));
        const soft = q.sub(next.logProb.mul(entCoef));
        return b.rewards.add(b.dones.neg().add(1).mul(soft).mul(this.o.gamma));
      });
      const criticLoss = mseLoss(this.critics[0].forward(b.obs, b.actions), target).add(mseLoss(this.critics[1].forward(b.obs, b.actions), target)).mul(0.5);
      this.criticOptimizer.zeroGrad();
      criticLoss.backward();
      this.criticOptimizer.step();

      const qPi = minimum(this.critics[0].forward(b.obs, pi), this.critics[1].forward(b.obs, pi));
      const actorLoss = logProb.mul(entCoef).sub(qPi).mean();
      this.actorOptimizer.zeroGrad();
      actorLoss.backward();
      this.actorOptimizer.step();

      this.updates++;
      if (this.updates % this.o.targetUpdateInterval === 0) this.polyak();
      Object.assign(this.lastUpdate, { actorLoss: actorLoss.item(), criticLoss: criticLoss.item(), entCoef: entCoef.item() });
    });
  }

  private polyak(): void {
    const tau = this.o.tau;
    noGrad(() =>
      this.criticTargets.forEach((t, k) => {
        const src = this.critics[k]!.parameters();
        t.parameters().forEach((p, i) => p.copy_(p.mul(1 - tau).add(src[i]!.mul(tau))));
      }),
    );
  }

  predict(obs: unknown, { deterministic = false }: { deterministic?: boolean } = {}): BoxValue {
    const a = scope(() => noGrad(() => this.actor.sample(obsToTensor(this.observationSpace, obs as ArrayLike<number>, 1), deterministic).action.dataSync()));
    return this.unscale(a);
  }

  protected config(): Record<string, unknown> {
    const { learningRate, netArch, ...rest } = this.o;
    return { ...rest, policyKwargs: { netArch }, learningRate: typeof learningRate === "number" ? learningRate : "schedule", targetEntropy: this.targetEntropy, seed: this.seed };
  }
  protected saveState(): StateDict {
    return {
      ...prefixed("actor", this.actor), ...prefixed("critic0", this.critics[0]), ...prefixed("critic1", this.critics[1]),
      ...prefixed("criticTarget0", this.criticTargets[0]), ...prefixed("criticTarget1", this.criticTargets[1]),
      ...(this.logEntCoef ? { logEntCoef: this.logEntCoef.detach() } : {}),
    };
  }
  loadState(state: StateDict): void {
    this.actor.loadStateDict(unprefixed("actor", state));
    this.critics.forEach((c, i) => c.loadStateDict(unprefixed(`critic${i}`, state)));
    this.criticTargets.forEach((c, i) => c.loadStateDict(unprefixed(`criticTarget${i}`, state)));
    if (this.logEntCoef && state.logEntCoef) noGrad(() => this.logEntCoef!.copy_(state.logEntCoef!));
  }

  /** Scales env-space actions into the actor's [−1, 1] (for users filling the buffer by hand). */
  scaleAction(a: ArrayLike<number>): Float32Array {
    return this.scale(a);
  }
}
