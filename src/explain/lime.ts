/**
 * Black-box surrogates (Captum's Lime and KernelShap): switch groups of features between the input
 * and the baseline at random, run the model, and fit a weighted linear model from "which groups were
 * kept" to the output; its coefficients are the attributions.
 * - Lime (Ribeiro et al.): groups kept with probability ½, samples weighted by an exponential kernel
 *   on the cosine distance to the input, a Lasso with α = 0.01 (Captum's defaults).
 * - KernelShap (Lundberg & Lee): coalition sizes drawn from the Shapley kernel, plain least squares,
 *   the full and empty coalitions weighted 10⁶, so the coefficients sum to F(x) − F(baseline) and
 *   approach the Shapley values.
 */
import { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { DeviceError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { readAsync, readSync, type Reads } from "../ops/readback.js";
import { Generator, defaultGenerator } from "../base/rng.js";
import { tensor } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { where } from "../ops/elementwise.js";
import { Attribution, evaluate, expandBaselines, tileArgs, tileTarget, type Baselines, type Explainable, type TargetOptions } from "./forward.js";
import { weightedLasso, weightedLeastSquares, type LinearFit } from "./linear-surrogate.js";

/** Fits coefficients to (kept-groups, output, weight) samples. */
export type InterpretableModel = (x: readonly number[][], y: readonly number[], w: readonly number[]) => LinearFit;
/** The weight of a perturbed sample, from the original and perturbed example (flattened) and the kept groups. */
export type SimilarityFunc = (original: Float64Array, perturbed: Float64Array, kept: readonly number[]) => number;
/** Draws which of `numFeatures` groups are kept (1) or replaced by the baseline (0). */
export type PerturbFunc = (numFeatures: number, generator: Generator, sampleIndex: number) => number[];

export interface LimeSurrogate {
  interpretableModel?: InterpretableModel;
  similarityFunc?: SimilarityFunc;
  perturbFunc?: PerturbFunc;
}

export interface LimeOptions extends TargetOptions {
  baselines?: Baselines;
  /** Integer group ids 0 … M − 1 shaped as one example or as the inputs; default: each scalar. */
  featureMask?: Tensor;
  /** Perturbed samples per example (default 50). */
  nSamples?: number;
  perturbationsPerEval?: number;
  generator?: Generator;
}

/** Captum's get_exp_kernel_similarity_function("cosine", kernelWidth): exp(−d²/(2w²)), d = 1 − cos. */
export function expCosineSimilarity(kernelWidth = 1): SimilarityFunc {
  return (a, b) => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * b[i]!;
      na += a[i]! ** 2;
      nb += b[i]! ** 2;
    }
    const cos = na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    return Math.exp(-((1 - cos) ** 2) / (2 * kernelWidth ** 2));
  };
}

export class Lime extends Attribution {
  protected readonly interpretableModel: InterpretableModel;
  protected readonly similarityFunc: SimilarityFunc;
  protected readonly perturbFunc: PerturbFunc;

  constructor(model: Explainable, surrogate: LimeSurrogate = {}) {
    super(model);
    this.interpretableModel = surrogate.interpretableModel ?? ((x, y, w) => weightedLasso(x, y, w, 0.01));
    this.similarityFunc = surrogate.similarityFunc ?? expCosineSimilarity(1);
    this.perturbFunc = surrogate.perturbFunc ?? ((m, g) => Array.from({ length: m }, () => (g.random() < 0.5 ? 1 : 0)));
  }

  protected get name(): string {
    return "Lime";
  }

  /**
   * Attributions shaped as the inputs: each feature gets its group's coefficient. The surrogate is
   * fitted on the host from the model's outputs, so a model on the GPU uses attributeAsync.
   */
  attribute(inputs: Tensor, options: LimeOptions = {}): Tensor {
    if (inputs.backend.read) throw new DeviceError(`${this.name}: the inputs are on '${inputs.backend.name}', whose reads are asynchronous; use await ${this.name[0]!.toLowerCase()}${this.name.slice(1)}.attributeAsync(...)`);
    return readSync(this.attributeLoop(inputs, options));
  }

  /** attribute() on any device: the model runs there, the surrogate is fitted from the awaited outputs. */
  attributeAsync(inputs: Tensor, options: LimeOptions = {}): Promise<Tensor> {
    return readAsync(this.attributeLoop(inputs, options));
  }

  private *attributeLoop(inputs: Tensor, options: LimeOptions): Reads<Tensor> {
    const { nSamples = 50, perturbationsPerEval = 1, generator = defaultGenerator } = options;
    if (!Number.isInteger(nSamples) || nSamples < 2) throw new ValueError(`${this.name}: nSamples must be an integer ≥ 2, got ${nSamples}`);
    const n = inputs.shape[0]!;
    const dims = inputs.shape.slice(1);
    const size = dims.reduce((a, b) => a * b, 1);
    const baselines = expandBaselines(options.baselines, inputs, this.name);
    const masks = yield* this.groupIds(options.featureMask, inputs);
    const rows: Tensor[] = [];
    // One target per example (a single index or none stays as it is).
    const perExample = tileTarget(options.target, n, 1, this.name);
    for (let e = 0; e < n; e++) {
      const ids = masks[Math.min(e, masks.length - 1)]!;
      const groups = Math.max(...ids) + 1;
      const x = inputs.narrow(0, e, 1);
      const b = baselines.narrow(0, e, 1);
      const original = Float64Array.from(yield x.clone(), Number);
      const idTensor = tensor(ids, { dtype: "int32", device: inputs.backend });
      const own = { target: Array.isArray(perExample) ? [perExample[e]!] : perExample, additionalForwardArgs: (options.additionalForwardArgs ?? []).map((a) => (a instanceof Tensor && a.ndim > 0 ? a.narrow(0, e, 1) : a)) };
      const kept: number[][] = [];
      const outputs: number[] = [];
      const weights: number[] = [];
      for (let start = 0; start < nSamples; start += perturbationsPerEval) {
        const k = Math.min(perturbationsPerEval, nSamples - start);
        const zs = Array.from({ length: k }, (_, j) => this.perturbFunc(groups, generator, start + j));
        const perturbed = noGrad(() => {
          const keep = tensor(zs.flat(), { dtype: "int32", device: inputs.backend }).reshape([k, groups]).indexSelect(1, idTensor).reshape([k, ...dims]).gt(0);
          return where(keep, x.expand([k, ...dims]), b.expand([k, ...dims]));
        });
        const y = yield evaluate(this.forward, perturbed, { target: tileTarget(own.target, 1, k, this.name), additionalForwardArgs: tileArgs(own.additionalForwardArgs, k) }, this.name).clone(); // (a copy: the model's output may share its storage)
        const flat = Float64Array.from(yield perturbed, Number);
        zs.forEach((z, j) => {
          kept.push(z);
          outputs.push(Number(y[j]));
          weights.push(this.similarityFunc(original, flat.subarray(j * size, (j + 1) * size), z));
        });
      }
      const { coef } = this.interpretableModel(kept, outputs, weights);
      rows.push(tensor(ids.map((id) => coef[id] ?? 0), { dtype: inputs.dtype, device: inputs.backend }).reshape([1, ...dims]));
    }
    return cat(rows, 0);
  }

  /** Each example's group id per scalar, renumbered 0 … M − 1 in order of first appearance. */
  private *groupIds(featureMask: Tensor | undefined, inputs: Tensor): Reads<number[][]> {
    const n = inputs.shape[0]!;
    const size = inputs.numel() / n;
    if (!featureMask) return [Array.from({ length: size }, (_, i) => i)];
    const asExample = featureMask.ndim === inputs.ndim - 1 ? featureMask.unsqueeze(0) : featureMask;
    if (asExample.ndim !== inputs.ndim || !(asExample.shape[0] === 1 || asExample.shape[0] === n)) {
      throw new ShapeError(`${this.name}: featureMask of shape ${fmtShape(featureMask.shape)} must be shaped as one example ${fmtShape(inputs.shape.slice(1))} or as the inputs ${fmtShape(inputs.shape)}`);
    }
    const full = Array.from(yield asExample.expand([asExample.shape[0]!, ...inputs.shape.slice(1)]).clone(), Number);
    return Array.from({ length: asExample.shape[0]! }, (_, e) => {
      const renumber = new Map<number, number>();
      return full.slice(e * size, (e + 1) * size).map((id) => {
        if (!renumber.has(id)) renumber.set(id, renumber.size);
        return renumber.get(id)!;
      });
    });
  }
}

/**
 * Captum's KernelShap sampler: the full coalition first, the empty one second, then a size k drawn
 * with probability ∝ (M − 1)/(k(M − k)) and k groups chosen uniformly.
 */
function shapleyCoalition(m: number, g: Generator, sampleIndex: number): number[] {
  if (sampleIndex === 0) return new Array<number>(m).fill(1);
  if (sampleIndex === 1 || m === 1) return new Array<number>(m).fill(0);
  const probs = Array.from({ length: m - 1 }, (_, i) => (m - 1) / ((i + 1) * (m - i - 1)));
  const total = probs.reduce((a, b) => a + b, 0);
  let u = g.random() * total;
  let k = 1;
  while (k < m - 1 && (u -= probs[k - 1]!) > 0) k++;
  const z = new Array<number>(m).fill(0);
  for (const i of g.permutation(m).subarray(0, k)) z[i] = 1;
  return z;
}

export class KernelShap extends Lime {
  constructor(model: Explainable) {
    super(model, {
      interpretableModel: weightedLeastSquares,
      similarityFunc: (_a, _b, kept) => {
        const on = kept.reduce((s, v) => s + v, 0);
        return on === 0 || on === kept.length ? 1e6 : 1;
      },
      perturbFunc: shapleyCoalition,
    });
  }

  protected override get name(): string {
    return "KernelShap";
  }
}
