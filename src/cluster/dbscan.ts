/**
 * DBSCAN (scikit-learn's estimator): a sample with at least minSamples samples (itself included,
 * weighted when sampleWeight is given) within eps is a core sample; clusters are the core samples
 * connected through such neighbourhoods plus the samples they reach; the rest is noise (−1).
 * Neighbourhoods come from float64 Euclidean distances, ≤ eps as scikit-learn counts them.
 */
import { ValueError } from "../base/errors.js";
import { checkOptions } from "../base/options.js";
import { asMatrix, type ArrayLike2D } from "./input.js";

export interface DBSCANOptions {
  eps?: number;
  minSamples?: number;
}

export class DBSCAN {
  readonly eps: number;
  readonly minSamples: number;
  labels!: Int32Array;
  coreSampleIndices!: Int32Array;

  constructor(options: DBSCANOptions = {}) {
    checkOptions("DBSCAN", options, { eps: "number", minSamples: "integer" });
    this.eps = options.eps ?? 0.5;
    this.minSamples = options.minSamples ?? 5;
    if (!(this.eps > 0)) throw new ValueError(`DBSCAN: eps must be positive, got ${this.eps}`);
    if (!(this.minSamples >= 1)) throw new ValueError(`DBSCAN: minSamples must be ≥ 1, got ${this.minSamples}`);
  }

  fit(x: ArrayLike2D, opts: { sampleWeight?: ArrayLike<number> | null } = {}): this {
    const X = asMatrix(x, "DBSCAN.fit");
    const [n, d] = X.shape as [number, number];
    const v = Float64Array.from(X.dataSync());
    const w = opts.sampleWeight ? Float64Array.from(opts.sampleWeight) : null;
    if (w && w.length !== n) throw new ValueError(`DBSCAN: ${w.length} sample weights for ${n} samples`);
    const eps2 = this.eps * this.eps;
    const neighbours: number[][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < n; i++) {
      neighbours[i]!.push(i);
      for (let j = i + 1; j < n; j++) {
        let s = 0;
        for (let k = 0; k < d && s <= eps2; k++) {
          const t = v[i * d + k]! - v[j * d + k]!;
          s += t * t;
        }
        if (Math.sqrt(s) <= this.eps) {
          neighbours[i]!.push(j);
          neighbours[j]!.push(i);
        }
      }
    }
    const core = neighbours.map((nb) => (w ? nb.reduce((s, j) => s + w[j]!, 0) : nb.length) >= this.minSamples);
    const labels = new Int32Array(n).fill(-1);
    let label = 0;
    for (let start = 0; start < n; start++) {
      if (labels[start] !== -1 || !core[start]) continue;
      // Depth-first from a core sample; border samples are labelled but not expanded.
      const stack = [start];
      while (stack.length) {
        const i = stack.pop()!;
        if (labels[i] !== -1) continue;
        labels[i] = label;
        if (core[i]) for (const j of neighbours[i]!) if (labels[j] === -1) stack.push(j);
      }
      label++;
    }
    this.labels = labels;
    this.coreSampleIndices = Int32Array.from(core.flatMap((c, i) => (c ? [i] : [])));
    return this;
  }

  fitPredict(x: ArrayLike2D, opts: { sampleWeight?: ArrayLike<number> | null } = {}): Int32Array {
    return this.fit(x, opts).labels;
  }
}
