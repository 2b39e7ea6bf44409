/**
 * What every attribution method shares (Captum's `_utils/common.py`): turning a model into a forward
 * function, picking the target output per example, baselines of the inputs' shape, and gradients.
 */
import { grad } from "../autograd/backward.js";
import { enableGrad } from "../ops/grad-mode.js";
import { DeviceError, IndexError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { Tensor } from "../ops/tensor.js";
import { tensor, zerosLike, fullLike } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { Module } from "../nn/module.js";
import { BaseModel } from "../keras/model.js";

/** A model's forward pass on a batch; extra arguments are passed through unchanged. */
export type ForwardFunc = (input: Tensor, ...args: unknown[]) => Tensor;
/** What an attribution method explains: an nn.Module, a Keras model, or a forward function. */
export type Explainable = Module | BaseModel | ForwardFunc;

/**
 * The output column each example is explained for (Captum's `target`): one index for every example,
 * one per example (array or int tensor), or null when the model gives one value per example.
 */
export type Target = number | readonly number[] | Tensor | null;

/** Baselines (reference inputs): a scalar, or a tensor of the inputs' shape or of one example's. */
export type Baselines = number | Tensor;

export interface TargetOptions {
  target?: Target;
  /** Further forward arguments (Captum's additional_forward_args); tensors have a batch dim. */
  additionalForwardArgs?: readonly unknown[];
}

/** What every attribution method holds: the model, and its forward pass as one function. */
export abstract class Attribution {
  protected readonly forward: ForwardFunc;
  constructor(readonly model: Explainable) {
    this.forward = forwardOf(model);
  }
}

export function forwardOf(model: Explainable): ForwardFunc {
  if (model instanceof Module) return (x, ...args) => model.forward(x, ...args) as Tensor;
  if (model instanceof BaseModel) return (x) => model.call(x, false);
  return model;
}

/** The (N,) outputs explained: output[i, target_i] for (N, C) outputs, the output itself for (N,) or (N, 1). */
export function selectTarget(output: Tensor, target: Target | undefined, method: string): Tensor {
  const n = output.shape[0] ?? 1;
  if (target === null || target === undefined) {
    if (output.ndim === 1) return output;
    if (output.ndim === 2 && output.shape[1] === 1) return output.reshape([n]);
    throw new ShapeError(`${method}: the model's output has shape ${fmtShape(output.shape)}; pass a target (the output index to explain)`);
  }
  if (output.ndim !== 2) throw new ShapeError(`${method}: a target selects a column of an (N, C) output, got shape ${fmtShape(output.shape)}`);
  const c = output.shape[1]!;
  const indices = targetIndices(target, n, method);
  for (const t of indices) {
    if (!Number.isInteger(t) || t < 0 || t >= c) throw new IndexError(`${method}: target ${t} is out of range for ${c} outputs`);
  }
  return output.gather(1, tensor(indices, { dtype: "int32", device: output.backend }).reshape([n, 1])).reshape([n]);
}

function targetIndices(target: Exclude<Target, null>, n: number, method: string): number[] {
  if (typeof target === "number") return new Array<number>(n).fill(target);
  if (target instanceof Tensor && target.backend.read) throw new DeviceError(`${method}: keep a target tensor on the CPU (its indices are read to pick the outputs), not on '${target.backend.name}'`);
  const list = target instanceof Tensor ? Array.from(target.dataSync(), Number) : [...target];
  if (list.length === 1) return new Array<number>(n).fill(list[0]!);
  if (list.length !== n) throw new ShapeError(`${method}: ${list.length} targets for ${n} examples`);
  return list;
}

/** Per-example targets repeated for `times` stacked copies of the batch (scaled inputs, samples). */
export function tileTarget(target: Target | undefined, n: number, times: number, method: string): Target | undefined {
  if (target === null || target === undefined || typeof target === "number") return target;
  const list = targetIndices(target, n, method);
  return Array.from({ length: times * n }, (_, i) => list[i % n]!);
}

/** Tensor arguments with a batch dim repeated for `times` stacked copies of the batch. */
export function tileArgs(args: readonly unknown[] | undefined, times: number): unknown[] {
  return (args ?? []).map((a) => (a instanceof Tensor && a.ndim > 0 ? a.repeat([times, ...new Array<number>(a.ndim - 1).fill(1)]) : a));
}

/** Baselines of the inputs' shape (a scalar fills, one example's baseline broadcasts over the batch). */
export function expandBaselines(baselines: Baselines | undefined, inputs: Tensor, method: string): Tensor {
  if (baselines === undefined) return zerosLike(inputs);
  if (typeof baselines === "number") return fullLike(inputs, baselines);
  const b = baselines.to(inputs.dtype).toBackend(inputs.backend);
  if (b.ndim === inputs.ndim - 1) return b.unsqueeze(0).expand(inputs.shape).contiguous();
  if (b.ndim === inputs.ndim && (b.shape[0] === inputs.shape[0] || b.shape[0] === 1) && b.shape.slice(1).every((d, i) => d === inputs.shape[i + 1])) {
    return b.expand(inputs.shape).contiguous();
  }
  throw new ShapeError(`${method}: baselines of shape ${fmtShape(b.shape)} do not match inputs of shape ${fmtShape(inputs.shape)}`);
}

/** The model's explained outputs (N,) without recording gradients. */
export function evaluate(forward: ForwardFunc, inputs: Tensor, options: TargetOptions, method: string): Tensor {
  return selectTarget(forward(inputs, ...(options.additionalForwardArgs ?? [])), options.target, method).detach();
}

/** d(Σ explained outputs)/d(inputs): each example's gradient of its own target output. */
export function gradientAt(forward: ForwardFunc, inputs: Tensor, options: TargetOptions, method: string): Tensor {
  return enableGrad(() => {
    const x = inputs.detach().requiresGrad_(true);
    const out = selectTarget(forward(x, ...(options.additionalForwardArgs ?? [])), options.target, method);
    const [g] = grad(out.sum(), [x]);
    return g ?? zerosLike(x);
  });
}

/**
 * Gradients at many stacked copies of the batch (`stacked` is (times·N, …)), run in chunks of whole
 * copies holding at most `internalBatchSize` rows (Captum's internal_batch_size).
 */
export function stackedGradients(
  forward: ForwardFunc,
  stacked: Tensor,
  n: number,
  options: TargetOptions & { internalBatchSize?: number },
  method: string,
): Tensor {
  const times = stacked.shape[0]! / n;
  const per = options.internalBatchSize === undefined ? times : Math.max(1, Math.floor(options.internalBatchSize / n));
  if (options.internalBatchSize !== undefined && options.internalBatchSize < 1) throw new ValueError(`${method}: internalBatchSize must be positive, got ${options.internalBatchSize}`);
  const parts: Tensor[] = [];
  for (let start = 0; start < times; start += per) {
    const k = Math.min(per, times - start);
    const chunk = stacked.narrow(0, start * n, k * n);
    parts.push(gradientAt(forward, chunk, { target: tileTarget(options.target, n, k, method), additionalForwardArgs: tileArgs(options.additionalForwardArgs, k) }, method));
  }
  return parts.length === 1 ? parts[0]! : cat(parts, 0);
}

/** Sums (times·N, …) over the copies with one weight per copy: Σ_k w_k · x[k] → (N, …). */
export function weightedCopySum(stacked: Tensor, n: number, weights: readonly number[]): Tensor {
  const shape = [weights.length, n, ...stacked.shape.slice(1)];
  const w = tensor([...weights], { dtype: stacked.dtype, device: stacked.backend }).reshape([weights.length, ...new Array<number>(shape.length - 1).fill(1)]);
  return stacked.reshape(shape).mul(w).sum(0);
}

/** Σ of attributions per example minus (F(x) − F(baseline)): Captum's convergence delta, (N,). */
export function convergenceDelta(attributions: Tensor, endpoint: Tensor, startpoint: Tensor): Tensor {
  return attributions.reshape([attributions.shape[0]!, -1]).sum(1).sub(endpoint.sub(startpoint));
}
