/**
 * Perturbation attributions (Captum's FeatureAblation and Occlusion): replace a group of features by
 * the baseline, and credit the group with the drop in the target output F(x) − F(x with the group
 * replaced). Occlusion's groups are sliding windows; a feature covered by several windows gets the
 * mean of their drops.
 */
import type { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { DeviceError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { tensor, zerosLike } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { where } from "../ops/elementwise.js";
import { Attribution, evaluate, expandBaselines, tileArgs, tileTarget, type Baselines, type ForwardFunc, type TargetOptions } from "./forward.js";

export interface AblationOptions extends TargetOptions {
  baselines?: Baselines;
  /** Perturbed copies of the batch per forward pass (default 1). */
  perturbationsPerEval?: number;
}

/**
 * Runs the model on the inputs with each mask's features replaced by the baselines; a mask is 0/1,
 * (1, …) or (N, …). Returns, per feature, the mean output drop over the masks that covered it.
 */
function ablate(forward: ForwardFunc, inputs: Tensor, baselines: Tensor, masks: Iterable<Tensor>, options: AblationOptions, method: string): Tensor {
  const per = options.perturbationsPerEval ?? 1;
  if (!Number.isInteger(per) || per < 1) throw new ValueError(`${method}: perturbationsPerEval must be a positive integer, got ${per}`);
  const n = inputs.shape[0]!;
  const tail = new Array<number>(inputs.ndim - 1).fill(1);
  return noGrad(() => {
    const initial = evaluate(forward, inputs, options, method); // (N,)
    let total = zerosLike(inputs);
    let count = zerosLike(inputs);
    let pending: Tensor[] = [];
    const flush = () => {
      if (!pending.length) return;
      const k = pending.length;
      const perturbed = cat(pending.map((m) => where(m.gt(0), baselines, inputs)), 0);
      const tiled = { target: tileTarget(options.target, n, k, method), additionalForwardArgs: tileArgs(options.additionalForwardArgs, k) };
      const drops = initial.repeat([k]).sub(evaluate(forward, perturbed, tiled, method)); // (k·N,)
      pending.forEach((m, j) => {
        total = total.add(m.mul(drops.narrow(0, j * n, n).reshape([n, ...tail])));
        count = count.add(m.expand(inputs.shape));
      });
      pending = [];
    };
    for (const mask of masks) {
      pending.push(mask.to(inputs.dtype));
      if (pending.length === per) flush();
    }
    flush();
    return total.div(where(count.gt(0), count, 1));
  });
}

export interface FeatureAblationOptions extends AblationOptions {
  /**
   * Integer group ids, broadcastable to the inputs ((1, …) or (N, …)): features with the same id are
   * ablated together. Default: every scalar is its own feature.
   */
  featureMask?: Tensor;
}

export class FeatureAblation extends Attribution {

  attribute(inputs: Tensor, options: FeatureAblationOptions = {}): Tensor {
    const baselines = expandBaselines(options.baselines, inputs, "FeatureAblation");
    const size = inputs.numel() / inputs.shape[0]!;
    const featureMask = options.featureMask ?? tensor(Array.from({ length: size }, (_, i) => i), { dtype: "int32" }).reshape([1, ...inputs.shape.slice(1)]);
    if (featureMask.ndim !== inputs.ndim || !(featureMask.shape[0] === 1 || featureMask.shape[0] === inputs.shape[0]) || featureMask.shape.slice(1).some((d, i) => d !== 1 && d !== inputs.shape[i + 1])) {
      throw new ShapeError(`FeatureAblation: featureMask of shape ${fmtShape(featureMask.shape)} does not broadcast to inputs of shape ${fmtShape(inputs.shape)} with (1 or N) rows`);
    }
    // The group ids plan the ablations, so they are read: the default's are known; a given mask stays on the CPU.
    if (options.featureMask?.backend.read) throw new DeviceError(`FeatureAblation: keep featureMask on the CPU (its group ids are read to plan the ablations; it is moved to the inputs' device), not on '${featureMask.backend.name}'`);
    const ids = options.featureMask ? [...new Set(Array.from(featureMask.dataSync(), Number))].sort((a, b) => a - b) : Array.from({ length: size }, (_, i) => i);
    const full = featureMask.toBackend(inputs.backend).expand([featureMask.shape[0]!, ...inputs.shape.slice(1)]);
    const masks = (function* () {
      for (const id of ids) yield full.eq(id);
    })();
    return ablate(this.forward, inputs, baselines, masks, options, "FeatureAblation");
  }
}

export interface OcclusionOptions extends AblationOptions {
  /** The window's shape over each example's dims (e.g. [1, 4, 4] for (C, H, W) images). */
  slidingWindowShapes: readonly number[];
  /** The step between windows, one per dim or one for all (default 1). */
  strides?: number | readonly number[];
}

export class Occlusion extends Attribution {

  attribute(inputs: Tensor, options: OcclusionOptions): Tensor {
    const dims = inputs.shape.slice(1);
    const window = [...options.slidingWindowShapes];
    const strides = typeof (options.strides ?? 1) === "number" ? dims.map(() => (options.strides ?? 1) as number) : [...(options.strides as readonly number[])];
    if (window.length !== dims.length || strides.length !== dims.length) {
      throw new ShapeError(`Occlusion: slidingWindowShapes ${fmtShape(window)} and strides ${fmtShape(strides)} need one entry per example dim of ${fmtShape(dims)}`);
    }
    window.forEach((w, i) => {
      if (!Number.isInteger(w) || w < 1 || w > dims[i]!) throw new ShapeError(`Occlusion: window ${fmtShape(window)} does not fit examples of shape ${fmtShape(dims)}`);
      if (!Number.isInteger(strides[i]) || strides[i]! < 1) throw new ValueError(`Occlusion: strides must be positive integers, got ${fmtShape(strides)}`);
    });
    // Captum's window count: ⌈(D − W)/S⌉ + 1 starts per dim, the last window cut off at the border.
    const counts = dims.map((d, i) => Math.ceil((d - window[i]!) / strides[i]!) + 1);
    const baselines = expandBaselines(options.baselines, inputs, "Occlusion");
    const size = dims.reduce((a, b) => a * b, 1);
    const masks = (function* () {
      const index = new Array<number>(dims.length).fill(0);
      for (;;) {
        const data = new Uint8Array(size);
        fillWindow(data, dims, index.map((s, i) => s * strides[i]!), window);
        yield tensor(Array.from(data), { dtype: "float32", device: inputs.backend }).reshape([1, ...dims]);
        let d = dims.length - 1;
        while (d >= 0 && ++index[d]! === counts[d]) index[d--] = 0;
        if (d < 0) return;
      }
    })();
    return ablate(this.forward, inputs, baselines, masks, options, "Occlusion");
  }
}

/** Sets the window [start, start + size) (clipped to dims) in a row-major 0/1 array. */
function fillWindow(data: Uint8Array, dims: readonly number[], start: readonly number[], size: readonly number[]): void {
  const visit = (d: number, offset: number) => {
    const end = Math.min(start[d]! + size[d]!, dims[d]!);
    for (let i = start[d]!; i < end; i++) {
      const at = offset * dims[d]! + i;
      if (d === dims.length - 1) data[at] = 1;
      else visit(d + 1, at);
    }
  };
  visit(0, 0);
}
