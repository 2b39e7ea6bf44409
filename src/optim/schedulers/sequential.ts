/** SequentialLR: hands over from one schedule to the next at milestone epochs (restarting it at 0). */
import { ValueError } from "../../base/errors.js";
import { LRScheduler, type AnyOptimizer } from "./scheduler.js";

type Group = { lr: number; initialLr?: number };

export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];

  constructor(optimizer: AnyOptimizer, schedulers: LRScheduler[], milestones: readonly number[], lastEpoch = -1) {
    // The wrapped schedulers already stepped once on construction: go back to the initial rates.
    const groups = optimizer.paramGroups as Group[];
    groups.forEach((g) => (g.lr = g.initialLr ?? g.lr));
    super(optimizer, lastEpoch);
    if (schedulers.length !== milestones.length + 1) {
      throw new ValueError(`SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`);
    }
    if (schedulers.some((s) => s.optimizer !== optimizer)) throw new ValueError("SequentialLR: every scheduler must wrap the same optimizer");
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch += 1;
    schedulers[0]!.apply(0);
  }

  override step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.apply(0);
    else scheduler.step();
  }

  protected lrAt(): number {
    throw new Error("SequentialLR delegates to its schedulers");
  }

  override getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => (g as Group).lr);
  }

  override stateDict(): Record<string, unknown> {
    return { lastEpoch: this.lastEpoch, milestones: [...this.milestones], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.lastEpoch = state.lastEpoch as number;
    (state.schedulers as Record<string, unknown>[]).forEach((s, i) => this.schedulers[i]!.loadStateDict(s));
  }
}
