/**
 * The shared shape of Gymnasium's toy-text worlds: a finite state set, a transition table
 * `P[s][a] = [[probability, nextState, reward, terminated], …]` (inspectable, as Gymnasium's, so
 * dynamic programming can read it), an initial-state distribution, and a step that samples the
 * table with `argmax(cumsum(p) > u)` as Gymnasium's `categorical_sample`.
 */
import { Env, ResetNeeded, type Info, type ResetOptions, type StepResult } from "../env.js";
import { Discrete } from "../spaces.js";
import type { Generator } from "../../base/rng.js";

export type Transition = [probability: number, nextState: number, reward: number, terminated: boolean];
export type TransitionTable = Transition[][][];

/** Index of the first cumulative probability above a uniform draw. */
export function categoricalSample(probs: readonly number[], rng: Generator): number {
  const u = rng.random();
  let acc = 0;
  for (let i = 0; i < probs.length; i++) {
    acc += probs[i]!;
    if (acc > u) return i;
  }
  return probs.length - 1;
}

export abstract class DiscreteEnv extends Env<number, number> {
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  /** The current state. */
  s: number | undefined;
  lastAction: number | undefined;

  constructor(readonly P: TransitionTable, readonly initialStateDistrib: readonly number[], private readonly name: string) {
    super();
    this.observationSpace = new Discrete(P.length);
    this.actionSpace = new Discrete(P[0]!.length);
  }

  reset({ seed }: ResetOptions = {}): [number, Info] {
    this.seedRandom(seed);
    this.s = categoricalSample(this.initialStateDistrib, this.npRandom);
    this.lastAction = undefined;
    return [this.s, { prob: 1 }];
  }

  step(action: number): StepResult<number> {
    if (this.s === undefined) throw new ResetNeeded(`${this.name}: step called before reset`);
    const transitions = this.P[this.s]![action]!;
    const [p, s, r, t] = transitions[categoricalSample(transitions.map((tr) => tr[0]), this.npRandom)]!;
    this.s = s;
    this.lastAction = action;
    return [s, r, t, false, { prob: p }];
  }
}
