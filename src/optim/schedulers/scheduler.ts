/**
 * Learning-rate schedules. Each computes the rate at an epoch in closed form (`lrAt`), so stepping,
 * restarting at epoch 0 (SequentialLR) and resuming from a state dict all agree. As in PyTorch, a
 * scheduler applies its epoch-0 rate on construction; call step() after each optimizer.step().
 */
import { ValueError } from "../../base/errors.js";
import type { Optimizer } from "../optimizer.js";

// `any`: a scheduler drives optimizers of every options type.
export type AnyOptimizer = Optimizer<any>;
type Group = { lr: number; initialLr?: number };

export abstract class LRScheduler {
  lastEpoch: number;
  readonly baseLrs: number[];
  private lastLr: number[] = [];

  constructor(
    readonly optimizer: AnyOptimizer,
    lastEpoch = -1,
  ) {
    const groups = optimizer.paramGroups as Group[];
    // Like PyTorch's setdefault: a second scheduler on the same optimizer keeps the first's initial rate.
    if (lastEpoch === -1) for (const g of groups) g.initialLr ??= g.lr;
    else if (groups.some((g) => g.initialLr === undefined)) {
      throw new ValueError(`${new.target.name}: lastEpoch was given but a parameter group has no initialLr to resume from`);
    }
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (after their own fields exist). */
  protected initialStep(): void {
    this.step();
  }

  /** The learning rate of group i at an epoch. */
  protected abstract lrAt(epoch: number, base: number, group: number): number;

  step(): void {
    this.lastEpoch += 1;
    this.apply(this.lastEpoch);
  }

  /** Sets every group's lr to the schedule's value at `epoch` (SequentialLR restarts with 0). */
  apply(epoch: number): void {
    this.lastEpoch = epoch;
    const groups = this.optimizer.paramGroups as Group[];
    groups.forEach((g, i) => (g.lr = this.lrAt(epoch, this.baseLrs[i]!, i)));
    this.lastLr = groups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Every own field except the optimizer and functions (lambdas are not saved, as in PyTorch). */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== "optimizer" && typeof v !== "function") out[k] = structuredClone(v);
    return out;
  }

  loadStateDict(state: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(state)) (this as Record<string, unknown>)[k] = structuredClone(v);
  }
}

/** Decays by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly stepSize: number, readonly gamma = 0.1, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    this.initialStep();
  }
  protected lrAt(epoch: number, base: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** Decays by gamma at each milestone epoch. */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  constructor(optimizer: AnyOptimizer, milestones: readonly number[], readonly gamma = 0.1, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.initialStep();
  }
  protected lrAt(epoch: number, base: number): number {
    return base * this.gamma ** this.milestones.filter((m) => m <= epoch).length;
  }
}

export class ExponentialLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly gamma: number, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    this.initialStep();
  }
  protected lrAt(epoch: number, base: number): number {
    return base * this.gamma ** epoch;
  }
}

/** Half a cosine from the base rate down to etaMin over tMax epochs (and back up after). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly tMax: number, readonly etaMin = 0, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    this.initialStep();
  }
  protected lrAt(epoch: number, base: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

/** SGDR: cosine annealing restarted after t0 epochs, each period tMult times the last. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly t0: number, readonly tMult = 1, readonly etaMin = 0, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!(t0 > 0 && Number.isInteger(t0))) throw new ValueError(`CosineAnnealingWarmRestarts: expected a positive integer t0, got ${t0}`);
    if (!(tMult >= 1 && Number.isInteger(tMult))) throw new ValueError(`CosineAnnealingWarmRestarts: expected an integer tMult >= 1, got ${tMult}`);
    this.initialStep();
  }
  /** Position in the current period and the period's length at an epoch. */
  private cycle(epoch: number): [number, number] {
    if (this.tMult === 1) return [epoch % this.t0, this.t0];
    const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
    return [epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1), this.t0 * this.tMult ** n];
  }
  protected lrAt(epoch: number, base: number): number {
    const [tCur, tI] = this.cycle(epoch);
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  }
}

/** Linear ramp of a multiplicative factor from startFactor to endFactor over totalIters epochs. */
export class LinearLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly startFactor = 1 / 3, readonly endFactor = 1, readonly totalIters = 5, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!(startFactor > 0 && startFactor <= 1)) throw new ValueError(`LinearLR: startFactor must be in (0, 1], got ${startFactor}`);
    this.initialStep();
  }
  protected lrAt(epoch: number, base: number): number {
    return base * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(this.totalIters, epoch)) / this.totalIters);
  }
}

/** base · lambda(epoch), one lambda for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  private readonly lambdas: ((epoch: number) => number)[];
  constructor(optimizer: AnyOptimizer, lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[], lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const n = optimizer.paramGroups.length;
    this.lambdas = Array.isArray(lrLambda) ? lrLambda : new Array(n).fill(lrLambda);
    if (this.lambdas.length !== n) throw new ValueError(`LambdaLR: expected ${n} lambdas, got ${this.lambdas.length}`);
    this.initialStep();
  }
  protected lrAt(epoch: number, base: number, group: number): number {
    return base * this.lambdas[group]!(epoch);
  }
  override stateDict(): Record<string, unknown> {
    const { lambdas: _, ...rest } = super.stateDict();
    return rest;
  }
}
