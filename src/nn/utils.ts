/** tg.nn.utils: gradient clipping and flattening parameters to one vector. */
import { noGrad } from "../ops/grad-mode.js";
import { ShapeError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { cat, stack } from "../ops/movement.js";
import { isfinite } from "../ops/composite/math.js";
import { refuseIfAny } from "../ops/deferred-check.js";

const withGrads = (params: Iterable<Tensor>) => [...params].filter((p) => p.grad !== null);

/**
 * Scales all gradients together so their joint norm is at most maxNorm; returns the norm before
 * clipping (a 0-d tensor), as torch.nn.utils.clip_grad_norm_.
 */
export function clipGradNorm(
  parameters: Iterable<Tensor>,
  maxNorm: number,
  { normType = 2, errorIfNonfinite = false }: { normType?: number; errorIfNonfinite?: boolean } = {},
): Tensor {
  const ps = withGrads(parameters);
  if (ps.length === 0) return tensor(0);
  return noGrad(() => {
    // The 2-norm (the usual case) as √Σg²: one multiply per element where |g|^p takes an abs and a pow.
    const norm = (g: Tensor) => (normType === Infinity ? g.abs().amax() : normType === 2 ? g.mul(g).sum().sqrt() : g.abs().pow(normType).sum().pow(1 / normType));
    const norms = ps.map((p) => norm(p.grad!));
    const total = normType === Infinity ? stack(norms).amax() : stack(norms).pow(normType).sum().pow(1 / normType);
    if (errorIfNonfinite) refuseIfAny(isfinite(total).logicalNot(), `clipGradNorm: the total norm of order ${normType} of the gradients is non-finite ({value})`, total);
    // On the gradients' device, as PyTorch's: reading the norm would wait for a GPU.
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(undefined, 1);
    for (const p of ps) p.grad!.mul_(coef);
    return total;
  });
}

/** Clamps every gradient element into [−clipValue, clipValue]. */
export function clipGradValue(parameters: Iterable<Tensor>, clipValue: number): void {
  noGrad(() => {
    for (const p of withGrads(parameters)) p.grad!.copy_(p.grad!.clamp(-clipValue, clipValue));
  });
}

/** All parameters flattened into one vector. */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.reshape(-1)));
}

/** Copies consecutive slices of vec into the parameters (in place). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const ps = [...parameters];
  const total = ps.reduce((n, p) => n + p.numel(), 0);
  if (vec.ndim !== 1 || vec.shape[0] !== total) {
    throw new ShapeError(`vectorToParameters: expected a vector of ${total} elements, got shape ${fmtShape(vec.shape)}`);
  }
  noGrad(() => {
    let at = 0;
    for (const p of ps) {
      p.copy_(vec.narrow(0, at, p.numel()).reshape(p.shape as number[]));
      at += p.numel();
    }
  });
}
export * as rnn from "./utils-rnn.js";
export * as parametrize from "./parametrize.js";
export * as parametrizations from "./parametrizations.js";
