/**
 * A group's threshold classifiers as points in ROC space and their upper convex hull (Hardt, Price &
 * Srebro 2016; fairlearn's _threshold_optimizer): every point on the hull is reached by predicting 1
 * for scores ≥ one threshold, or by randomising between two neighbouring thresholds.
 */

/** One operating point: predict 1 iff score ≥ threshold (Infinity: never). */
export interface OperatingPoint {
  threshold: number;
  /** False-positive and true-positive rates. */
  x: number;
  y: number;
  /** Counts behind them. */
  tp: number;
  fp: number;
}

/** The deterministic threshold classifiers of one group, from "never" to "always", x and y ascending. */
export function operatingPoints(scores: readonly number[], labels: readonly number[]): OperatingPoint[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const positives = labels.reduce((s, y) => s + y, 0);
  const negatives = labels.length - positives;
  const rate = (k: number, of: number) => (of === 0 ? 0 : k / of);
  const points: OperatingPoint[] = [{ threshold: Infinity, x: 0, y: 0, tp: 0, fp: 0 }];
  let tp = 0, fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    labels[i] === 1 ? tp++ : fp++;
    // Ties share one threshold: emit a point only after the last example with this score.
    if (k + 1 < order.length && scores[order[k + 1]!] === scores[i]) continue;
    points.push({ threshold: scores[i]!, x: rate(fp, negatives), y: rate(tp, positives), tp, fp });
  }
  return points;
}

/** The upper convex hull from (0, 0) to (1, 1) (Andrew's monotone chain), ascending in x. */
export function upperHull(points: readonly OperatingPoint[]): OperatingPoint[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  const hull: OperatingPoint[] = [];
  for (const p of sorted) {
    while (hull.length >= 2) {
      const [a, b] = [hull[hull.length - 2]!, hull[hull.length - 1]!];
      // Pop b unless it lies strictly above the segment from a to p.
      if ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

/** A randomised classifier between two hull points: use `a` with probability `pA`, else `b`. */
export interface Mixture {
  a: OperatingPoint;
  b: OperatingPoint;
  pA: number;
}

/** The hull point whose coordinate `key(p)` equals `value` (key increasing along the hull). */
export function mixtureAt(hull: readonly OperatingPoint[], key: (p: OperatingPoint) => number, value: number): Mixture {
  for (let i = 1; i < hull.length; i++) {
    const [a, b] = [hull[i - 1]!, hull[i]!];
    if (value <= key(b) + 1e-15) {
      const span = key(b) - key(a);
      return { a, b, pA: span <= 0 ? 0 : Math.min(1, Math.max(0, (key(b) - value) / span)) };
    }
  }
  const last = hull[hull.length - 1]!;
  return { a: last, b: last, pA: 1 };
}

/** P(ŷ = 1) of a mixture for one score. */
export function mixtureProbability(m: Mixture, score: number): number {
  return m.pA * (score >= m.a.threshold ? 1 : 0) + (1 - m.pA) * (score >= m.b.threshold ? 1 : 0);
}
