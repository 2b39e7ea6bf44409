/**
 * The assignment problem (SciPy's linear_sum_assignment): rows matched to distinct columns at the
 * least total cost, by the Hungarian method with potentials (O(n²·m)); and the clustering accuracy
 * it gives, clusters matched one-to-one to classes.
 */
import { ValueError } from "../base/errors.js";
import { contingencyMatrix } from "./metrics.js";
import type { Labels } from "./input.js";

/** [rows, cols]: row rows[i] takes column cols[i]; every row of a matrix with no more rows than columns. */
export function linearSumAssignment(cost: readonly (readonly number[])[], maximize = false): [number[], number[]] {
  const transposed = cost.length > (cost[0]?.length ?? 0);
  const c = transposed ? cost[0]!.map((_, j) => cost.map((r) => r[j]!)) : cost.map((r) => [...r]);
  const n = c.length;
  const m = c[0]?.length ?? 0;
  for (const row of c) if (row.length !== m || row.some((v) => !Number.isFinite(v))) throw new ValueError("linearSumAssignment: the cost matrix must be rectangular and finite");
  const sign = maximize ? -1 : 1;
  // Potentials u (rows), v (columns); way[j] the previous column on the augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: the row matched to column j (1-based, 0 = none)
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = sign * c[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const pairs: [number, number][] = [];
  for (let j = 1; j <= m; j++) if (p[j]) pairs.push(transposed ? [j - 1, p[j]! - 1] : [p[j]! - 1, j - 1]);
  pairs.sort((a, b) => a[0] - b[0]);
  return [pairs.map((q) => q[0]), pairs.map((q) => q[1])];
}

/** The share of samples whose cluster, matched one-to-one to a class at best (Hungarian), is their class. */
export function clusteringAccuracy(labelsTrue: Labels, labelsPred: Labels): number {
  const table = contingencyMatrix(labelsPred, labelsTrue);
  const [rows, cols] = linearSumAssignment(table, true);
  const n = table.flat().reduce((a, b) => a + b, 0);
  return rows.reduce((s, r, i) => s + table[r]![cols[i]!]!, 0) / n;
}
