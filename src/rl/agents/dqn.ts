/**
 * DQN (Mnih et al. 2015) as Stable-Baselines3 implements it: a replay buffer, a target network
 * copied (or Polyak-averaged with tau < 1) every targetUpdateInterval steps, ε-greedy exploration
 * decayed linearly over explorationFraction of training, Huber (or MSE) loss, gradient clipping;
 * plus Double DQN (van Hasselt et al. 2016) and dueling heads (Wang et al. 2016) as options.
 */
import { noGrad } from "../../ops/grad-mode.js";
import { scope } from "../../base/scope.js";
import { ValueError } from "../../base/errors.js";
import type { StateDict } from "../../nn/module.js";
import { mseLoss, smoothL1Loss } from "../../nn/losses.js";
import { clipGradNorm } from "../../nn/utils.js";
import { Adam } from "../../optim/optimizers.js";
import { Discrete } from "../spaces.js";
import type { Info } from "../env.js";
import type { BatchedObs } from "../vector.js";
import { Algorithm, prefixed, unprefixed, type Action, type AlgorithmOptions } from "./base.js";
import { ReplayBuffer } from "./buffers.js";
import { evalSchedule, inputDim, linearSchedule, obsToTensor, type Schedule } from "./common.js";
import { QNetwork, type QNetworkOptions } from "./policies.js";
import { obsRow, type EnvLike } from "./vec-env.js";

export interface DQNOptions extends AlgorithmOptions {
  learningRate?: Schedule;
  bufferSize?: number;
  learningStarts?: number;
  batchSize?: number;
  /** Polyak coefficient of the target update (1 = hard copy). */
  tau?: number;
  gamma?: number;
  /** Train every trainFreq environment steps, gradientSteps gradient steps each time. */
  trainFreq?: number;
  gradientSteps?: number;
  targetUpdateInterval?: number;
  explorationFraction?: number;
  explorationInitialEps?: number;
  explorationFinalEps?: number;
  maxGradNorm?: number;
  loss?: "huber" | "mse";
  doubleQ?: boolean;
  policyKwargs?: QNetworkOptions;
}

export class DQN extends Algorithm {
  readonly algorithm = "DQN";
  readonly qNet: QNetwork;
  readonly qNetTarget: QNetwork;
  readonly optimizer: Adam;
  readonly replayBuffer: ReplayBuffer;
  explorationRate = 1;
  readonly lastUpdate = { loss: NaN };
  private readonly o: Required<Omit<DQNOptions, "seed" | "policyKwargs">> & { policyKwargs: QNetworkOptions };
  private readonly exploration: (progressRemaining: number) => number;
  private lastObs: BatchedObs | undefined;
  private nCalls = 0;

  constructor(env: EnvLike, options: DQNOptions = {}) {
    super(env, options);
    if (!(this.actionSpace instanceof Discrete)) throw new ValueError(`DQN: needs a Discrete action space, got ${this.actionSpace}`);
    this.o = {
      learningRate: 1e-4, bufferSize: 1_000_000, learningStarts: 100, batchSize: 32, tau: 1.0, gamma: 0.99, trainFreq: 4, gradientSteps: 1,
      targetUpdateInterval: 10000, explorationFraction: 0.1, explorationInitialEps: 1.0, explorationFinalEps: 0.05, maxGradNorm: 10,
      loss: "huber", doubleQ: false, policyKwargs: {}, ...options,
    };
    this.exploration = linearSchedule(this.o.explorationInitialEps, this.o.explorationFinalEps, this.o.explorationFraction);
    this.qNet = new QNetwork(this.observationSpace, this.actionSpace, this.o.policyKwargs);
    this.qNetTarget = new QNetwork(this.observationSpace, this.actionSpace, this.o.policyKwargs);
    this.qNetTarget.loadStateDict(this.qNet.stateDict());
    this.qNetTarget.eval();
    this.optimizer = new Adam(this.qNet.parameters(), { lr: evalSchedule(this.o.learningRate, 1) });
    this.replayBuffer = new ReplayBuffer(Math.min(this.o.bufferSize, 10_000_000), inputDim(this.observationSpace), 1);
  }

  /** The greedy action for each of n observations. */
  private greedy(obs: BatchedObs, n: number): Int32Array {
    return scope(() => noGrad(() => this.qNet.forward(obsToTensor(this.observationSpace, obs, n)).argmax(-1).int().dataSync() as Int32Array));
  }

  protected run(end: number, onStep: (infos: readonly Info[]) => boolean): void {
    const n = this.env.numEnvs;
    const obsDim = inputDim(this.observationSpace);
    const row = (obs: BatchedObs, i: number) => (this.observationSpace instanceof Discrete ? oneHot(obs[i]!, obsDim) : obsRow(obs, i, obsDim));
    if (!this.lastObs) [this.lastObs] = this.env.reset({ seed: this.seed });
    let sinceTrain = 0;
    while (this.numTimesteps < end) {
      let actions: Int32Array;
      if (this.numTimesteps < this.o.learningStarts) actions = Int32Array.from({ length: n }, () => this.actionSpace.sample() as number);
      else {
        const greedy = this.greedy(this.lastObs, n);
        actions = greedy.map((g) => (this.rng.random() < this.explorationRate ? (this.actionSpace.sample() as number) : g));
      }
      const [obs, rewards, terminated, , infos] = this.env.step(Array.from(actions));
      for (let i = 0; i < n; i++) {
        const next = (infos[i]!.finalObs as BatchedObs | number | undefined) ?? null;
        const nextRow = next === null ? row(obs, i) : typeof next === "number" ? oneHot(next, obsDim) : next;
        this.replayBuffer.add(row(this.lastObs, i), [actions[i]!], rewards[i]!, nextRow, terminated[i]!);
      }
      this.lastObs = obs;
      // SB3's _on_step: the target update counts vector steps; ε follows the remaining progress.
      this.nCalls++;
      if (this.nCalls % Math.max(Math.floor(this.o.targetUpdateInterval / n), 1) === 0) this.updateTarget();
      if (!onStep(infos)) return;
      this.explorationRate = this.exploration(this.progressRemaining);
      sinceTrain += 1;
      if (sinceTrain >= this.o.trainFreq && this.numTimesteps > this.o.learningStarts) {
        sinceTrain = 0;
        this.train(this.o.gradientSteps);
      }
    }
  }

  private updateTarget(): void {
    noGrad(() => {
      const tau = this.o.tau;
      const src = this.qNet.parameters();
      this.qNetTarget.parameters().forEach((p, i) => {
        const s = src[i]!;
        p.copy_(tau === 1 ? s : p.mul(1 - tau).add(s.mul(tau)));
      });
    });
  }

  /** gradientSteps updates on replayed minibatches. */
  train(gradientSteps: number): void {
    for (const g of this.optimizer.paramGroups) g.lr = evalSchedule(this.o.learningRate, this.progressRemaining);
    for (let s = 0; s < gradientSteps; s++) scope(() => {
      const b = this.replayBuffer.sample(this.o.batchSize, this.rng);
      const target = noGrad(() => {
        const nextQ = this.qNetTarget.forward(b.nextObs);
        const best = this.o.doubleQ
          ? nextQ.gather(1, this.qNet.forward(b.nextObs).argmax(1, true)).squeeze(1)
          : nextQ.amax(1);
        return b.rewards.add(b.dones.neg().add(1).mul(best).mul(this.o.gamma));
      });
      const current = this.qNet.forward(b.obs).gather(1, b.actions.int()).squeeze(1);
      const loss = this.o.loss === "huber" ? smoothL1Loss(current, target) : mseLoss(current, target);
      this.optimizer.zeroGrad();
      loss.backward();
      clipGradNorm(this.qNet.parameters(), this.o.maxGradNorm);
      this.optimizer.step();
      this.lastUpdate.loss = loss.item();
    });
  }

  predict(obs: unknown, { deterministic = false }: { deterministic?: boolean } = {}): Action {
    if (!deterministic && this.rng.random() < this.explorationRate) return this.actionSpace.sample() as number;
    const batch = typeof obs === "number" ? Int32Array.of(obs) : (obs as BatchedObs);
    return this.greedy(batch, 1)[0]!;
  }

  protected config(): Record<string, unknown> {
    const { learningRate, ...rest } = this.o;
    return { ...rest, learningRate: typeof learningRate === "number" ? learningRate : "schedule", seed: this.seed };
  }
  protected saveState(): StateDict {
    return { ...prefixed("qNet", this.qNet), ...prefixed("qNetTarget", this.qNetTarget) };
  }
  loadState(state: StateDict): void {
    this.qNet.loadStateDict(unprefixed("qNet", state));
    this.qNetTarget.loadStateDict(unprefixed("qNetTarget", state));
  }
}

function oneHot(i: number, n: number): Float32Array {
  const v = new Float32Array(n);
  v[i] = 1;
  return v;
}
