/**
 * More of torch.optim.lr_scheduler in closed form: ConstantLR, PolynomialLR, MultiplicativeLR and
 * CyclicLR (Smith's triangular cycles, with momentum cycled inversely).
 */
import { ValueError } from "../../base/errors.js";
import { LRScheduler, type AnyOptimizer } from "./scheduler.js";

/** base · factor until totalIters, then base. */
export class ConstantLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly factor = 1 / 3, readonly totalIters = 5, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!(factor >= 0 && factor <= 1)) throw new ValueError(`ConstantLR: factor must be in [0, 1], got ${factor}`);
    this.initialStep();
  }
  protected lrAt(epoch: number, base: number): number {
    return epoch < this.totalIters ? base * this.factor : base;
  }
}

/** base · (1 − min(epoch, totalIters) / totalIters)^power: down to 0 at totalIters. */
export class PolynomialLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly totalIters = 5, readonly power = 1, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!(Number.isInteger(totalIters) && totalIters > 0)) throw new ValueError(`PolynomialLR: totalIters must be a positive integer, got ${totalIters}`);
    this.initialStep();
  }
  protected lrAt(epoch: number, base: number): number {
    return base * (1 - Math.min(epoch, this.totalIters) / this.totalIters) ** this.power;
  }
}

/** base · Π_{k=1..epoch} lambda(k): each step multiplies the rate by lambda(epoch). */
export class MultiplicativeLR extends LRScheduler {
  private readonly lambdas: ((epoch: number) => number)[];
  constructor(optimizer: AnyOptimizer, lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[], lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const n = optimizer.paramGroups.length;
    this.lambdas = Array.isArray(lrLambda) ? lrLambda : new Array(n).fill(lrLambda);
    if (this.lambdas.length !== n) throw new ValueError(`MultiplicativeLR: expected ${n} lambdas, got ${this.lambdas.length}`);
    this.initialStep();
  }
  protected lrAt(epoch: number, base: number, group: number): number {
    let lr = base;
    for (let k = 1; k <= epoch; k++) lr *= this.lambdas[group]!(k);
    return lr;
  }
  override stateDict(): Record<string, unknown> {
    const { lambdas: _, ...rest } = super.stateDict();
    return rest;
  }
}

export interface CyclicOptions {
  stepSizeUp?: number;
  stepSizeDown?: number | null;
  mode?: "triangular" | "triangular2" | "exp_range";
  gamma?: number;
  /** A custom amplitude scale; replaces mode. */
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: "cycle" | "iterations";
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
}

type Group = { lr: number; initialLr?: number; momentum?: number; betas?: [number, number] };

/**
 * Cyclical learning rates (Smith 2017): between baseLr and maxLr over stepSizeUp + stepSizeDown
 * iterations (step it after every batch); "triangular2" halves the amplitude each cycle,
 * "exp_range" scales it by gamma^iteration. Momentum (or Adam's β₁) cycles the other way.
 */
export class CyclicLR extends LRScheduler {
  readonly maxLrs: number[];
  private readonly totalSize: number;
  private readonly stepRatio: number;
  private readonly scale: (x: number) => number;
  private readonly scaleMode: "cycle" | "iterations";
  private readonly momenta: { base: number[]; max: number[] } | null;

  constructor(optimizer: AnyOptimizer, baseLr: number | number[], maxLr: number | number[], opts: CyclicOptions = {}) {
    const { stepSizeUp = 2000, stepSizeDown = null, mode = "triangular", gamma = 1, scaleFn = null, cycleMomentum = true, baseMomentum = 0.8, maxMomentum = 0.9 } = opts;
    const groups = optimizer.paramGroups as Group[];
    const perGroup = (v: number | number[], name: string) => {
      const vs = Array.isArray(v) ? v : groups.map(() => v);
      if (vs.length !== groups.length) throw new ValueError(`CyclicLR: expected ${groups.length} values of ${name}, got ${vs.length}`);
      return vs;
    };
    const baseLrs = perGroup(baseLr, "baseLr");
    // The cycle starts at baseLr: that is the groups' initial rate, as in PyTorch.
    groups.forEach((g, i) => (g.lr = g.initialLr = baseLrs[i]!));
    super(optimizer);
    if (!(stepSizeUp > 0)) throw new ValueError(`CyclicLR: stepSizeUp must be positive, got ${stepSizeUp}`);
    if (!["triangular", "triangular2", "exp_range"].includes(mode) && !scaleFn) throw new ValueError(`CyclicLR: mode must be triangular, triangular2 or exp_range, got ${JSON.stringify(mode)}`);
    this.maxLrs = perGroup(maxLr, "maxLr");
    const down = stepSizeDown ?? stepSizeUp;
    this.totalSize = stepSizeUp + down;
    this.stepRatio = stepSizeUp / this.totalSize;
    const modes = { triangular: () => 1, triangular2: (x: number) => 1 / 2 ** (x - 1), exp_range: (x: number) => gamma ** x };
    this.scale = scaleFn ?? modes[mode];
    this.scaleMode = scaleFn ? (opts.scaleMode ?? "cycle") : mode === "exp_range" ? "iterations" : "cycle";
    if (cycleMomentum) {
      if (!groups.every((g) => g.momentum !== undefined || g.betas !== undefined)) {
        throw new ValueError("CyclicLR: the optimizer has no momentum or betas to cycle; pass cycleMomentum: false");
      }
      this.momenta = { base: perGroup(baseMomentum, "baseMomentum"), max: perGroup(maxMomentum, "maxMomentum") };
    } else this.momenta = null;
    this.initialStep();
  }

  protected lrAt(iteration: number, base: number, group: number): number {
    const cycle = Math.floor(1 + iteration / this.totalSize);
    const x = 1 + iteration / this.totalSize - cycle;
    const height = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scale(this.scaleMode === "cycle" ? cycle : iteration);
    if (this.momenta) {
      const { base: lo, max: hi } = this.momenta;
      const m = hi[group]! - (hi[group]! - lo[group]!) * height * scale;
      const g = this.optimizer.paramGroups[group] as Group;
      if (g.betas) g.betas = [m, g.betas[1]];
      else g.momentum = m;
    }
    return base + (this.maxLrs[group]! - base) * height * scale;
  }

  override stateDict(): Record<string, unknown> {
    const { scale: _, ...rest } = super.stateDict();
    return rest;
  }
}

/**
 * Steps several schedulers on one optimizer together. Each rate is the base rate times every
 * scheduler's factor (its own rate ÷ the base), which is PyTorch's chaining for the multiplicative
 * schedules it documents it with (Constant, Linear, Step, MultiStep, Exponential, Polynomial,
 * Lambda, Multiplicative). Schedules that are not a factor of the base (cosine annealing with
 * etaMin, the cyclic ones) combine the same way here, which PyTorch's recursive forms do not.
 */
export class ChainedScheduler {
  readonly schedulers: LRScheduler[];
  private lastLr: number[] = [];

  constructor(schedulers: readonly LRScheduler[]) {
    if (schedulers.length === 0) throw new ValueError("ChainedScheduler: give at least one scheduler");
    const optimizer = schedulers[0]!.optimizer;
    if (schedulers.some((s) => s.optimizer !== optimizer)) throw new ValueError("ChainedScheduler: every scheduler must drive the same optimizer");
    this.schedulers = [...schedulers];
    this.combine();
  }

  get optimizer(): AnyOptimizer {
    return this.schedulers[0]!.optimizer;
  }

  step(): void {
    for (const s of this.schedulers) s.step();
    this.combine();
  }

  private combine(): void {
    const groups = this.optimizer.paramGroups as Group[];
    groups.forEach((g, i) => {
      const base = this.schedulers[0]!.baseLrs[i]!;
      g.lr = this.schedulers.reduce((lr, s) => (base === 0 ? 0 : lr * (s.getLastLr()[i]! / base)), base);
    });
    this.lastLr = groups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    return { schedulers: this.schedulers.map((s) => s.stateDict()), lastLr: [...this.lastLr] };
  }

  loadStateDict(state: Record<string, unknown>): void {
    (state.schedulers as Record<string, unknown>[]).forEach((s, i) => this.schedulers[i]!.loadStateDict(s));
    this.lastLr = [...(state.lastLr as number[])];
  }
}
