/**
 * Deep Embedded Clustering (Xie, Girshick & Farhadi, 2016): an auto-encoder pretrained on
 * reconstruction, k-means on its codes for the initial centres, then the encoder and the centres
 * refined together by minimising KL(P ‖ Q) — Q the Student-t soft assignment of codes to centres,
 * P its sharpened target (q² / cluster frequency, renormalised), recomputed every updateInterval
 * steps — until fewer than tol of the labels change between updates.
 */
import { enableGrad, noGrad } from "../ops/grad-mode.js";
import { ValueError } from "../base/errors.js";
import { checkOptions } from "../base/options.js";
import type { Generator } from "../base/rng.js";
import type { Tensor } from "../ops/tensor.js";
import { randomPermutation } from "../data/dataset.js";
import { tensor } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { Sequential } from "../nn/layers/container.js";
import { Linear } from "../nn/layers/linear.js";
import { ReLU } from "../nn/layers/activation.js";
import { Module } from "../nn/module.js";
import { Parameter } from "../nn/parameter.js";
import { mseLoss } from "../nn/losses.js";
import { Adam, SGD } from "../optim/optimizers.js";
import { asMatrix, type ArrayLike2D } from "./input.js";
import { squaredDistances } from "./distances.js";
import { KMeans } from "./kmeans.js";
import { generatorOf } from "./kmeans-plus-plus.js";

export interface DECOptions {
  /** Layer sizes from the input to the code (the paper: [d, 500, 500, 2000, 10]). */
  dims: readonly number[];
  nClusters: number;
  /** Degrees of freedom of the Student-t kernel. */
  alpha?: number;
  randomState?: number | Generator | null;
}

export interface PretrainOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  log?: (epoch: number, loss: number) => void;
}

export interface RefineOptions {
  maxIter?: number;
  batchSize?: number;
  updateInterval?: number;
  /** Stop when fewer than this fraction of labels change between target updates. */
  tol?: number;
  lr?: number;
  log?: (iter: number, changed: number) => void;
}

function mlp(dims: readonly number[]): Sequential {
  const layers = [];
  for (let i = 0; i + 1 < dims.length; i++) {
    layers.push(new Linear(dims[i]!, dims[i + 1]!));
    if (i + 2 < dims.length) layers.push(new ReLU());
  }
  return new Sequential(...layers);
}

export class DEC extends Module<[Tensor], Tensor> {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  readonly clusterCenters: Parameter;
  readonly alpha: number;
  readonly nClusters: number;
  private readonly generator: Generator;
  labels: Int32Array | null = null;
  nIter = 0;

  constructor(options: DECOptions) {
    super();
    checkOptions("DEC", options, { dims: "array", nClusters: "integer", alpha: "number", randomState: "any" });
    if (options.dims.length < 2) throw new ValueError("DEC: dims needs the input size and at least the code size");
    this.encoder = mlp(options.dims);
    this.decoder = mlp([...options.dims].reverse());
    this.nClusters = options.nClusters;
    this.alpha = options.alpha ?? 1;
    this.clusterCenters = new Parameter(tensor(new Float32Array(options.nClusters * options.dims.at(-1)!), { shape: [options.nClusters, options.dims.at(-1)!] }));
    this.generator = generatorOf(options.randomState);
  }

  /** The soft assignment Q of each sample's code to each centre (rows sum to 1). */
  forward(x: Tensor): Tensor {
    const z = this.encoder.forward(x);
    const q = squaredDistances(z, this.clusterCenters).div(this.alpha).add(1).pow(-(this.alpha + 1) / 2);
    return q.div(q.sum(1, true));
  }

  /** Q for every sample, in chunks (the codes of a large set need not all be held at once). */
  private softAssignment(X: Tensor): Tensor {
    const parts: Tensor[] = [];
    for (let at = 0; at < X.shape[0]!; at += 4096) parts.push(this.forward(X.narrow(0, at, Math.min(4096, X.shape[0]! - at))));
    return cat(parts, 0);
  }

  /** The codes of x. */
  transform(x: ArrayLike2D): Tensor {
    return noGrad(() => this.encoder.forward(asMatrix(x, "DEC.transform")));
  }

  predict(x: ArrayLike2D): Int32Array {
    return noGrad(() => this.softAssignment(asMatrix(x, "DEC.predict")).argmax(1).dataSync() as Int32Array);
  }

  private batches(n: number, size: number): Tensor[] {
    const order = randomPermutation(n, this.generator);
    const out: Tensor[] = [];
    for (let at = 0; at < n; at += size) out.push(tensor(Int32Array.from(order.slice(at, at + size)), { dtype: "int32" }));
    return out;
  }

  /** Trains the auto-encoder on reconstruction (mean squared error, Adam). Returns the last epoch's mean loss. */
  pretrain(x: ArrayLike2D, opts: PretrainOptions = {}): number {
    const X = asMatrix(x, "DEC.pretrain");
    const { epochs = 50, batchSize = 256, lr = 1e-3 } = opts;
    const opt = new Adam([...this.encoder.parameters(), ...this.decoder.parameters()], { lr });
    let last = 0;
    enableGrad(() => {
      for (let epoch = 1; epoch <= epochs; epoch++) {
        let total = 0;
        const batches = this.batches(X.shape[0]!, batchSize);
        for (const idx of batches) {
          const xb = X.indexSelect(0, idx);
          opt.zeroGrad();
          const loss = mseLoss(this.decoder.forward(this.encoder.forward(xb)), xb);
          loss.backward();
          opt.step();
          total += loss.item();
        }
        last = total / batches.length;
        opts.log?.(epoch, last);
      }
    });
    return last;
  }

  /** The sharpened target distribution P from Q. */
  static targetDistribution(q: Tensor): Tensor {
    const weight = q.square().div(q.sum(0, true));
    return weight.div(weight.sum(1, true));
  }

  /** Initialises the centres by k-means on the codes, then refines encoder and centres on KL(P ‖ Q). */
  fit(x: ArrayLike2D, opts: RefineOptions = {}): this {
    const X = asMatrix(x, "DEC.fit");
    const n = X.shape[0]!;
    const { maxIter = 2000, batchSize = 256, updateInterval = 140, tol = 0.001, lr = 0.01 } = opts;
    const km = new KMeans({ nClusters: this.nClusters, nInit: 20, randomState: this.generator }).fit(this.transform(X));
    noGrad(() => this.clusterCenters.copy_(km.clusterCenters));
    let previous = km.labels.dataSync() as Int32Array;
    const opt = new SGD([...this.encoder.parameters(), this.clusterCenters], { lr, momentum: 0.9 });
    let target: Tensor | null = null;
    let order: Tensor[] = [];
    let iter = 0;
    enableGrad(() => {
      for (; iter < maxIter; iter++) {
        if (iter % updateInterval === 0) {
          const q = noGrad(() => this.softAssignment(X));
          target = DEC.targetDistribution(q);
          const labels = q.argmax(1).dataSync() as Int32Array;
          const changed = labels.reduce((s, v, i) => s + (v !== previous[i] ? 1 : 0), 0) / n;
          previous = labels;
          opts.log?.(iter, changed);
          if (iter > 0 && changed < tol) break;
        }
        if (order.length === 0) order = this.batches(n, batchSize);
        const idx = order.pop()!;
        opt.zeroGrad();
        const q = this.forward(X.indexSelect(0, idx));
        const p = target!.indexSelect(0, idx);
        // KL(P ‖ Q) averaged over the batch's samples.
        const loss = p.mul(p.add(1e-12).log().sub(q.add(1e-12).log())).sum().div(idx.shape[0]!);
        loss.backward();
        opt.step();
      }
    });
    this.nIter = iter;
    this.labels = this.predict(X);
    return this;
  }
}
