/**
 * What KMeans and MiniBatchKMeans share once fitted (scikit-learn's _BaseKMeans): the centres, and
 * predict / transform / score against them.
 */
import { ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { kmeansStep } from "../ops/fused.js";
import { squaredDistances } from "./distances.js";
import { asMatrix, sampleWeights, type ArrayLike2D } from "./input.js";

export interface SampleWeightOption {
  sampleWeight?: ArrayLike<number> | null;
}

export abstract class CentroidClustering {
  /** [k, d] centres; the labels of the training samples and their inertia; iterations (passes over the data). */
  clusterCenters!: Tensor;
  labels!: Tensor;
  inertia!: number;
  nIter!: number;
  nFeaturesIn!: number;

  /** The estimator's name, for errors. */
  constructor(private readonly estimator: string) {}

  /** The nearest centre of each sample. */
  predict(x: ArrayLike2D): Tensor {
    return noGrad(() => squaredDistances(this.checked(x, "predict"), this.clusterCenters).argmin(1));
  }

  /** Euclidean distances of each sample to each centre, [n, k]. */
  transform(x: ArrayLike2D): Tensor {
    return noGrad(() => squaredDistances(this.checked(x, "transform"), this.clusterCenters).sqrt());
  }

  /** Minus the inertia of x on the fitted centres (higher is better, as scikit-learn's score). */
  score(x: ArrayLike2D, opts: SampleWeightOption = {}): number {
    return noGrad(() => {
      const X = this.checked(x, "score");
      return -weightedSum(kmeansStep(X, this.clusterCenters)[1], sampleWeights(opts.sampleWeight, X.shape[0]!, this.estimator));
    });
  }

  /** x as a matrix of the fitted feature count (a fitted estimator is required). */
  protected checked(x: ArrayLike2D, op: string): Tensor {
    if (!this.clusterCenters) throw new ValueError(`${this.estimator}.${op}: fit the estimator first`);
    const X = asMatrix(x, `${this.estimator}.${op}`);
    if (X.shape[1] !== this.nFeaturesIn) throw new ValueError(`${this.estimator}.${op}: X has ${X.shape[1]} features, the model was fitted with ${this.nFeaturesIn}`);
    return X;
  }
}

/** Σ w_i · v_i in float64 (the inertia from the k-means step's exact distances). */
export function weightedSum(v: Tensor, w: ArrayLike<number> | Tensor): number {
  const [a, b] = [v.dataSync(), "dataSync" in w ? w.dataSync() : w];
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i]! * b[i]!;
  return total;
}
