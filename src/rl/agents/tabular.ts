/**
 * Tabular Q-learning (Watkins 1989) and SARSA (Rummery & Niranjan 1994) for Discrete observation
 * and action spaces, with ε-greedy exploration decayed linearly over explorationFraction of training
 * (ties between equal values broken at random, so an all-zero table still explores evenly). The
 * table is `qTable[s · nA + a]`; `valueTable()` and `policyTable()` read it as V(s) and π(s).
 */
import { ValueError } from "../../base/errors.js";
import type { StateDict } from "../../nn/module.js";
import { tensor } from "../../ops/creation.js";
import { Discrete } from "../spaces.js";
import type { Info } from "../env.js";
import type { BatchedObs } from "../vector.js";
import { Algorithm, type AlgorithmOptions } from "./base.js";
import { linearSchedule, evalSchedule, type Schedule } from "./common.js";
import type { EnvLike } from "./vec-env.js";

export interface TabularOptions extends AlgorithmOptions {
  /** Step size α (a number or a schedule of the remaining progress). */
  learningRate?: Schedule;
  gamma?: number;
  explorationFraction?: number;
  explorationInitialEps?: number;
  explorationFinalEps?: number;
}

abstract class TabularAgent extends Algorithm {
  readonly qTable: Float64Array;
  readonly nS: number;
  readonly nA: number;
  explorationRate = 1;
  protected readonly o: Required<Omit<TabularOptions, "seed">>;
  private readonly exploration: (progressRemaining: number) => number;
  protected lastObs: BatchedObs | undefined;

  constructor(env: EnvLike, options: TabularOptions = {}) {
    super(env, options);
    if (!(this.observationSpace instanceof Discrete) || !(this.actionSpace instanceof Discrete)) {
      throw new ValueError(`${new.target.name}: needs Discrete observations and actions, got ${this.observationSpace} and ${this.actionSpace}`);
    }
    this.o = { learningRate: 0.1, gamma: 0.99, explorationFraction: 0.5, explorationInitialEps: 1.0, explorationFinalEps: 0.05, ...options };
    this.nS = this.observationSpace.n;
    this.nA = this.actionSpace.n;
    this.qTable = new Float64Array(this.nS * this.nA);
    this.exploration = linearSchedule(this.o.explorationInitialEps, this.o.explorationFinalEps, this.o.explorationFraction);
  }

  /** argmax_a Q(s, a), ties broken at random (or towards the first when deterministic). */
  protected greedy(s: number, deterministic = false): number {
    let best = -Infinity;
    let choice = 0;
    let ties = 0;
    for (let a = 0; a < this.nA; a++) {
      const q = this.qTable[s * this.nA + a]!;
      if (q > best) {
        best = q;
        choice = a;
        ties = 1;
      } else if (q === best && !deterministic && this.rng.randomInt(++ties) === 0) choice = a;
    }
    return choice;
  }

  protected act(s: number): number {
    return this.rng.random() < this.explorationRate ? this.rng.randomInt(this.nA) : this.greedy(s);
  }

  protected maxQ(s: number): number {
    let m = -Infinity;
    for (let a = 0; a < this.nA; a++) m = Math.max(m, this.qTable[s * this.nA + a]!);
    return m;
  }

  protected get alpha(): number {
    return evalSchedule(this.o.learningRate, this.progressRemaining);
  }
  protected updateExploration(): void {
    this.explorationRate = this.exploration(this.progressRemaining);
  }

  /** V(s) = max_a Q(s, a) for every state. */
  valueTable(): Float64Array {
    return Float64Array.from({ length: this.nS }, (_, s) => this.maxQ(s));
  }
  /** The greedy action of every state. */
  policyTable(): Int32Array {
    return Int32Array.from({ length: this.nS }, (_, s) => this.greedy(s, true));
  }

  predict(obs: unknown, { deterministic = false }: { deterministic?: boolean } = {}): number {
    const s = obs as number;
    if (!this.observationSpace.contains(s)) throw new ValueError(`${this.algorithm}.predict: ${String(obs)} is not in ${this.observationSpace}`);
    return deterministic ? this.greedy(s, true) : this.act(s);
  }

  protected config(): Record<string, unknown> {
    const { learningRate, ...rest } = this.o;
    return { ...rest, learningRate: typeof learningRate === "number" ? learningRate : "schedule", seed: this.seed };
  }
  protected saveState(): StateDict {
    return { qTable: tensor(this.qTable, { shape: [this.nS, this.nA], dtype: "float64" }) };
  }
  loadState(state: StateDict): void {
    const q = state.qTable;
    if (!q || q.numel() !== this.qTable.length) throw new ValueError(`${this.algorithm}.load: the saved table does not have ${this.nS}×${this.nA} entries`);
    this.qTable.set(q.dataSync());
  }
}

/** Off-policy TD control: Q(s,a) += α (r + γ max_a' Q(s',a') − Q(s,a)). */
export class QLearning extends TabularAgent {
  readonly algorithm = "QLearning";

  protected run(end: number, onStep: (infos: readonly Info[]) => boolean): void {
    if (!this.lastObs) [this.lastObs] = this.env.reset({ seed: this.seed });
    while (this.numTimesteps < end) {
      const s = this.lastObs[0]!;
      const a = this.act(s);
      const [obs, rewards, terminated, , infos] = this.env.step([a]);
      const next = (infos[0]!.finalObs as number | undefined) ?? obs[0]!;
      // A truncated episode still bootstraps from s'; only termination cuts the target.
      const target = rewards[0]! + (terminated[0] ? 0 : this.o.gamma * this.maxQ(next));
      const i = s * this.nA + a;
      this.qTable[i] = this.qTable[i]! + this.alpha * (target - this.qTable[i]!);
      this.lastObs = obs;
      if (!onStep(infos)) return;
      this.updateExploration();
    }
  }
}

/** On-policy TD control: Q(s,a) += α (r + γ Q(s',a') − Q(s,a)) with a' the action taken next. */
export class SARSA extends TabularAgent {
  readonly algorithm = "SARSA";
  private nextAction: number | undefined;

  protected run(end: number, onStep: (infos: readonly Info[]) => boolean): void {
    if (!this.lastObs) [this.lastObs] = this.env.reset({ seed: this.seed });
    while (this.numTimesteps < end) {
      const s = this.lastObs[0]!;
      const a = this.nextAction ?? this.act(s);
      const [obs, rewards, terminated, , infos] = this.env.step([a]);
      const next = (infos[0]!.finalObs as number | undefined) ?? obs[0]!;
      const aNext = this.act(next);
      const target = rewards[0]! + (terminated[0] ? 0 : this.o.gamma * this.qTable[next * this.nA + aNext]!);
      const i = s * this.nA + a;
      this.qTable[i] = this.qTable[i]! + this.alpha * (target - this.qTable[i]!);
      // After an episode ends the environment has reset: the next action is chosen afresh.
      this.nextAction = infos[0]!.finalObs === undefined ? aNext : undefined;
      this.lastObs = obs;
      if (!onStep(infos)) return;
      this.updateExploration();
    }
  }
}
