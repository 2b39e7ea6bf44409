/** OneCycleLR: warm up to maxLr, anneal far below the start, cycling momentum inversely. */
import { ValueError } from "../../base/errors.js";
import { LRScheduler, type AnyOptimizer } from "./scheduler.js";

export interface OneCycleOptions {
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  lr: ["initial" | "max" | "min", "initial" | "max" | "min"];
  momentum: ["max" | "base", "max" | "base"];
}

type Group = { lr: number; momentum?: number; betas?: [number, number] };

export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly rates: { initial: number; max: number; min: number }[];
  private readonly momenta: { base: number; max: number } | null;

  constructor(optimizer: AnyOptimizer, maxLr: number | number[], opts: OneCycleOptions = {}) {
    const { pctStart = 0.3, annealStrategy = "cos", cycleMomentum = true, baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false } = opts;
    const groups = optimizer.paramGroups as (Group & { initialLr?: number })[];
    const maxLrs = Array.isArray(maxLr) ? maxLr : groups.map(() => maxLr);
    // The schedule starts at maxLr / divFactor: make that the groups' initial rate before super().
    groups.forEach((g, i) => (g.lr = g.initialLr = maxLrs[i]! / divFactor));
    super(optimizer);
    const total = opts.totalSteps ?? (opts.epochs && opts.stepsPerEpoch ? opts.epochs * opts.stepsPerEpoch : undefined);
    if (!total || total <= 0) throw new ValueError("OneCycleLR: give totalSteps, or epochs and stepsPerEpoch");
    if (!(pctStart > 0 && pctStart < 1)) throw new ValueError(`OneCycleLR: pctStart must be in (0, 1), got ${pctStart}`);
    this.totalSteps = total;
    this.phases = threePhase
      ? [
          { endStep: pctStart * total - 1, lr: ["initial", "max"], momentum: ["max", "base"] },
          { endStep: 2 * pctStart * total - 2, lr: ["max", "initial"], momentum: ["base", "max"] },
          { endStep: total - 1, lr: ["initial", "min"], momentum: ["max", "max"] },
        ]
      : [
          { endStep: pctStart * total - 1, lr: ["initial", "max"], momentum: ["max", "base"] },
          { endStep: total - 1, lr: ["max", "min"], momentum: ["base", "max"] },
        ];
    this.anneal =
      annealStrategy === "cos"
        ? (s, e, pct) => e + ((s - e) / 2) * (Math.cos(Math.PI * pct) + 1)
        : (s, e, pct) => (e - s) * pct + s;
    this.rates = maxLrs.map((m) => ({ initial: m / divFactor, max: m, min: m / divFactor / finalDivFactor }));
    const usesMomentum = groups.every((g) => g.momentum !== undefined || g.betas !== undefined);
    if (cycleMomentum && !usesMomentum) throw new ValueError("OneCycleLR: optimizer has no momentum or betas to cycle; pass cycleMomentum: false");
    this.momenta = cycleMomentum ? { base: baseMomentum, max: maxMomentum } : null;
    this.initialStep();
  }

  protected lrAt(step: number, _base: number, group: number): number {
    // PyTorch allows the step that reaches totalSteps (a loop of totalSteps optimizer steps, each
    // followed by scheduler.step()), and raises only past it.
    if (step > this.totalSteps) {
      throw new ValueError(`OneCycleLR: tried to step ${step} times; the specified number of total steps is ${this.totalSteps}`);
    }
    const [phase, pct] = this.where(step);
    const r = this.rates[group]!;
    const lr = this.anneal(r[phase.lr[0]], r[phase.lr[1]], pct);
    if (this.momenta) {
      const m = this.anneal(this.momenta[phase.momentum[0]], this.momenta[phase.momentum[1]], pct);
      const g = this.optimizer.paramGroups[group] as Group;
      if (g.betas) g.betas = [m, g.betas[1]];
      else g.momentum = m;
    }
    return lr;
  }

  private where(step: number): [Phase, number] {
    let start = 0;
    for (const [i, phase] of this.phases.entries()) {
      if (step <= phase.endStep || i === this.phases.length - 1) return [phase, (step - start) / (phase.endStep - start)];
      start = phase.endStep;
    }
    throw new Error("unreachable");
  }

  override stateDict(): Record<string, unknown> {
    const { anneal: _, ...rest } = super.stateDict();
    return rest;
  }
}
