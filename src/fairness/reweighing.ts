/**
 * Reweighing (Kamiran & Calders 2012; AIF360's Reweighing): pre-processing that weights each
 * example by P(A = a)·P(Y = y) / P(A = a, Y = y), so that in the weighted data the label is
 * independent of the sensitive group. Train any model with these sample weights.
 */
import { ValueError } from "../base/errors.js";
import { groupLabels, sameLength, toNumbers, type SensitiveFeatures, type Vector } from "./input.js";

export class Reweighing {
  /** (group, label) → weight, after fit. */
  readonly weightsByCell = new Map<string, number>();

  fit(yTrue: Vector, { sensitiveFeatures, sampleWeight }: { sensitiveFeatures: SensitiveFeatures; sampleWeight?: Vector }): this {
    const fn = "Reweighing.fit";
    const y = toNumbers(yTrue, "yTrue", fn);
    const w = sampleWeight === undefined ? y.map(() => 1) : toNumbers(sampleWeight, "sampleWeight", fn);
    const n = sameLength(fn, { yTrue: y, sampleWeight: w });
    const { labels } = groupLabels(sensitiveFeatures, n, fn);
    const total = w.reduce((a, b) => a + b, 0);
    const byGroup = new Map<string, number>();
    const byLabel = new Map<number, number>();
    const byCell = new Map<string, number>();
    labels.forEach((g, i) => {
      byGroup.set(g, (byGroup.get(g) ?? 0) + w[i]!);
      byLabel.set(y[i]!, (byLabel.get(y[i]!) ?? 0) + w[i]!);
      byCell.set(`${g}\u0000${y[i]}`, (byCell.get(`${g}\u0000${y[i]}`) ?? 0) + w[i]!);
    });
    this.weightsByCell.clear();
    for (const [cell, wc] of byCell) {
      const [g, label] = cell.split("\u0000") as [string, string];
      this.weightsByCell.set(cell, (byGroup.get(g)! * byLabel.get(Number(label))!) / (total * wc));
    }
    return this;
  }

  /** Each example's weight (multiplied into its own sample weight, if given). */
  transform(yTrue: Vector, { sensitiveFeatures, sampleWeight }: { sensitiveFeatures: SensitiveFeatures; sampleWeight?: Vector }): number[] {
    const fn = "Reweighing.transform";
    if (!this.weightsByCell.size) throw new ValueError(`${fn}: call fit first`);
    const y = toNumbers(yTrue, "yTrue", fn);
    const w = sampleWeight === undefined ? undefined : toNumbers(sampleWeight, "sampleWeight", fn);
    const { labels } = groupLabels(sensitiveFeatures, sameLength(fn, { yTrue: y, sampleWeight: w }), fn);
    return labels.map((g, i) => {
      const cell = this.weightsByCell.get(`${g}\u0000${y[i]}`);
      if (cell === undefined) throw new ValueError(`${fn}: group '${g}' with label ${y[i]} was not seen in fit`);
      return cell * (w ? w[i]! : 1);
    });
  }

  fitTransform(yTrue: Vector, options: { sensitiveFeatures: SensitiveFeatures; sampleWeight?: Vector }): number[] {
    return this.fit(yTrue, options).transform(yTrue, options);
  }
}
