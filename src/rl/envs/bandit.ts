/**
 * The k-armed bandit testbed (Sutton & Barto, section 2.3): one state, k actions; each reset draws
 * the true action values q*(a) ~ N(0, 1) (reproducible with `reset({seed})`), and pulling arm a
 * pays N(q*(a), 1). `info.optimalAction` says which arm was best, for the % optimal-action plot.
 */
import { Env, ResetNeeded, type Info, type ResetOptions, type StepResult } from "../env.js";
import { Discrete } from "../spaces.js";
import { normalAt } from "../../base/rng.js";
import { ValueError } from "../../base/errors.js";

export interface BanditOptions {
  k?: number;
  /** Mean of the q* draws (Sutton & Barto use 0; +4 for their optimistic-start exercise). */
  qMean?: number;
}

export class KArmedBanditEnv extends Env<number, number> {
  readonly actionSpace: Discrete;
  readonly observationSpace = new Discrete(1);
  /** The true action values of the current episode. */
  qStar: Float64Array | undefined;
  private readonly qMean: number;

  constructor({ k = 10, qMean = 0 }: BanditOptions = {}) {
    super();
    if (!Number.isInteger(k) || k < 1) throw new ValueError(`KArmedBandit: k must be a positive integer, got ${k}`);
    this.actionSpace = new Discrete(k);
    this.qMean = qMean;
  }

  private normal(): number {
    return normalAt(this.npRandom.seed, this.npRandom.take(1));
  }

  reset({ seed }: ResetOptions = {}): [number, Info] {
    this.seedRandom(seed);
    this.qStar = Float64Array.from({ length: this.actionSpace.n }, () => this.qMean + this.normal());
    return [0, { optimalAction: this.optimalAction() }];
  }

  step(action: number): StepResult<number> {
    if (!this.qStar) throw new ResetNeeded("KArmedBandit-v0: step called before reset");
    return [0, this.qStar[action]! + this.normal(), false, false, { optimalAction: this.optimalAction() }];
  }

  private optimalAction(): number {
    const q = this.qStar!;
    return q.indexOf(Math.max(...q));
  }
}
