/**
 * MetricFrame (fairlearn): metrics computed overall and on each sensitive group, with the
 * disparity summaries — group min/max, difference and ratio, between groups or to the overall value.
 */
import { ValueError } from "../base/errors.js";
import { groupLabels, sameLength, toNumbers, type SensitiveFeatures, type Vector } from "./input.js";
import type { MetricFn } from "./metrics.js";

export type Metrics = MetricFn | Readonly<Record<string, MetricFn>>;
/** One number per metric: a number for a single metric, a record for named ones. */
export type PerMetric<M extends Metrics, V = number> = M extends MetricFn ? V : Record<keyof M & string, V>;

export interface MetricFrameOptions<M extends Metrics> {
  metrics: M;
  yTrue: Vector;
  yPred: Vector;
  sensitiveFeatures: SensitiveFeatures;
  sampleWeight?: Vector;
}

/** "between_groups": largest minus smallest group; "to_overall": largest distance from the overall value. */
export type DisparityMethod = "between_groups" | "to_overall";

export class MetricFrame<M extends Metrics = MetricFn> {
  /** The group labels, sorted (combinations "a, b" for several features). */
  readonly groups: string[];
  private readonly names: string[];
  private readonly single: boolean;
  // Prototype-free records: a group or metric may be named "__proto__" or "constructor".
  private readonly overallValues: Record<string, number> = Object.create(null);
  private readonly groupValues: Record<string, Record<string, number>> = Object.create(null);

  constructor(options: MetricFrameOptions<M>) {
    const fn = "MetricFrame";
    const yTrue = toNumbers(options.yTrue, "yTrue", fn);
    const yPred = toNumbers(options.yPred, "yPred", fn);
    const w = options.sampleWeight === undefined ? undefined : toNumbers(options.sampleWeight, "sampleWeight", fn);
    const n = sameLength(fn, { yTrue, yPred, sampleWeight: w });
    const { labels, groups } = groupLabels(options.sensitiveFeatures, n, fn);
    this.groups = groups;
    this.single = typeof options.metrics === "function";
    const metrics: Record<string, MetricFn> = this.single ? { metric: options.metrics as MetricFn } : { ...(options.metrics as Record<string, MetricFn>) };
    this.names = Object.keys(metrics);
    if (!this.names.length) throw new ValueError("MetricFrame: no metrics given");
    const members = new Map<string, number[]>(groups.map((g) => [g, []]));
    labels.forEach((g, i) => members.get(g)!.push(i));
    for (const [name, metric] of Object.entries(metrics)) {
      this.overallValues[name] = metric(yTrue, yPred, w);
      this.groupValues[name] = Object.create(null);
      for (const [g, idx] of members) {
        this.groupValues[name]![g] = metric(idx.map((i) => yTrue[i]!), idx.map((i) => yPred[i]!), w && idx.map((i) => w[i]!));
      }
    }
  }

  private per<V>(f: (name: string) => V): PerMetric<M, V> {
    if (this.single) return f("metric") as PerMetric<M, V>;
    return Object.fromEntries(this.names.map((n) => [n, f(n)])) as PerMetric<M, V>;
  }

  /** The metrics on all examples. */
  get overall(): PerMetric<M> {
    return this.per((n) => this.overallValues[n]!);
  }

  /** The metrics on each group: group label → value. */
  get byGroup(): PerMetric<M, Record<string, number>> {
    return this.per((n) => ({ ...this.groupValues[n]! }));
  }

  groupMin(): PerMetric<M> {
    return this.per((n) => Math.min(...Object.values(this.groupValues[n]!)));
  }

  groupMax(): PerMetric<M> {
    return this.per((n) => Math.max(...Object.values(this.groupValues[n]!)));
  }

  difference({ method = "between_groups" }: { method?: DisparityMethod } = {}): PerMetric<M> {
    return this.per((n) => {
      const values = Object.values(this.groupValues[n]!);
      if (method === "between_groups") return Math.max(...values) - Math.min(...values);
      if (method === "to_overall") return Math.max(...values.map((v) => Math.abs(v - this.overallValues[n]!)));
      throw new ValueError(`MetricFrame.difference: method must be between_groups or to_overall, got '${method as string}'`);
    });
  }

  /** The smallest ratio (≤ 1); equal values — including all zero — give 1. */
  ratio({ method = "between_groups" }: { method?: DisparityMethod } = {}): PerMetric<M> {
    const r = (a: number, b: number) => (a === b ? 1 : Math.max(a, b) === 0 ? 0 : Math.min(a, b) / Math.max(a, b));
    return this.per((n) => {
      const values = Object.values(this.groupValues[n]!);
      if (method === "between_groups") return r(Math.min(...values), Math.max(...values));
      if (method === "to_overall") return Math.min(...values.map((v) => r(v, this.overallValues[n]!)));
      throw new ValueError(`MetricFrame.ratio: method must be between_groups or to_overall, got '${method as string}'`);
    });
  }
}
