/** ReduceLROnPlateau: multiply the rate by `factor` when a metric stops improving for `patience` epochs. */
import { ValueError } from "../../base/errors.js";
import type { AnyOptimizer } from "./scheduler.js";

export interface PlateauOptions {
  mode?: "min" | "max";
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

export class ReduceLROnPlateau {
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(
    readonly optimizer: AnyOptimizer,
    { mode = "min", factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = "rel", cooldown = 0, minLr = 0, eps = 1e-8 }: PlateauOptions = {},
  ) {
    if (factor >= 1) throw new ValueError(`ReduceLROnPlateau: factor should be < 1.0, got ${factor}`);
    const n = optimizer.paramGroups.length;
    this.minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(n).fill(minLr);
    if (this.minLrs.length !== n) throw new ValueError(`ReduceLROnPlateau: expected ${n} minLr values, got ${this.minLrs.length}`);
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.best = mode === "min" ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { mode, thresholdMode: tm, threshold: t, best } = this;
    if (mode === "min") return tm === "rel" ? a < best * (1 - t) : a < best - t;
    return tm === "rel" ? a > best * (1 + t) : a > best + t;
  }

  step(metric: number): void {
    this.lastEpoch += 1;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const group = g as { lr: number };
        const newLr = Math.max(group.lr * this.factor, this.minLrs[i]!);
        if (group.lr - newLr > this.eps) group.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => (g as { lr: number }).lr);
  }

  stateDict(): Record<string, unknown> {
    const { optimizer: _, ...rest } = this;
    return structuredClone(rest);
  }

  loadStateDict(state: Record<string, unknown>): void {
    Object.assign(this, structuredClone(state));
  }
}
