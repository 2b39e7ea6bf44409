/**
 * tg.nn.utils.parametrizations — torch.nn.utils.parametrizations' weightNorm and spectralNorm as
 * parametrizations (parametrize.ts), with PyTorch's state-dict layout: weight norm's
 * parametrizations.weight.original0 (g) and original1 (v), spectral norm's original and the power
 * iteration's _u and _v buffers.
 */
import { noGrad } from "../ops/grad-mode.js";
import { ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { randn } from "../ops/creation.js";
import { Module } from "./module.js";
import { registerParametrization } from "./parametrize.js";

/** ‖w‖ over every dim but `dim` (all dims when dim is null), kept for broadcasting (PyTorch's norm_except_dim). */
function normExceptDim(w: Tensor, dim: number | null): Tensor {
  if (dim === null) return w.square().sum().sqrt();
  const d = dim < 0 ? dim + w.ndim : dim;
  const others = w.shape.map((_, k) => k).filter((k) => k !== d);
  return others.length ? w.square().sum(others, true).sqrt() : w.abs();
}

class WeightNorm extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly dim: number | null) {
    super();
  }
  forward(g: Tensor, v: Tensor): Tensor {
    return v.mul(g.div(normExceptDim(v, this.dim)));
  }
  rightInverse(weight: Tensor): Tensor[] {
    return [normExceptDim(weight, this.dim), weight];
  }
}

/** weight = g · v/‖v‖ (Salimans & Kingma), norms taken per slice along dim (0: per output unit; null: the whole tensor). */
export function weightNorm<M extends Module>(module: M, { name = "weight", dim = 0 }: { name?: string; dim?: number | null } = {}): M {
  return registerParametrization(module, name, new WeightNorm(dim));
}

class SpectralNorm extends Module<[Tensor], Tensor> {
  constructor(
    weight: Tensor,
    readonly nPowerIterations: number,
    readonly dim: number,
    readonly eps: number,
  ) {
    super();
    const mat = this.matrix(weight);
    const [h, w] = mat.shape as [number, number];
    this.registerBuffer("_u", normalize(randn([h], { dtype: weight.dtype }), eps));
    this.registerBuffer("_v", normalize(randn([w], { dtype: weight.dtype }), eps));
    this.powerMethod(mat.detach(), 15);
  }

  /** The weight as a matrix [size along dim, everything else]. */
  private matrix(weight: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + weight.ndim : this.dim;
    const moved = d === 0 ? weight : weight.permute(d, ...weight.shape.map((_, k) => k).filter((k) => k !== d));
    return moved.reshape([moved.shape[0]!, -1]);
  }

  private powerMethod(mat: Tensor, iterations: number): void {
    noGrad(() => {
      for (let i = 0; i < iterations; i++) {
        this.getBuffer("_u")!.copy_(normalize(mat.mv(this.getBuffer("_v")!), this.eps));
        this.getBuffer("_v")!.copy_(normalize(mat.t().mv(this.getBuffer("_u")!), this.eps));
      }
    });
  }

  forward(weight: Tensor): Tensor {
    if (weight.ndim === 1) return normalize(weight, this.eps);
    const mat = this.matrix(weight);
    if (this.training) this.powerMethod(mat.detach(), this.nPowerIterations);
    const u = this.getBuffer("_u")!.clone();
    const v = this.getBuffer("_v")!.clone();
    const sigma = u.dot(mat.mv(v));
    return weight.div(sigma);
  }

  rightInverse(value: Tensor): Tensor {
    return value;
  }
}

const normalize = (x: Tensor, eps: number): Tensor => x.div(x.square().sum().sqrt().clamp(eps));

/**
 * weight / σ(weight), σ the largest singular value estimated by power iteration (one step per
 * training-mode access, as PyTorch's), for stable discriminators and Lipschitz layers. dim defaults
 * to 1 for transposed convolutions, 0 otherwise.
 */
export function spectralNorm<M extends Module>(
  module: M,
  { name = "weight", nPowerIterations = 1, eps = 1e-12, dim = null }: { name?: string; nPowerIterations?: number; eps?: number; dim?: number | null } = {},
): M {
  const weight = (module as unknown as Record<string, Tensor>)[name];
  if (!weight || typeof weight !== "object") throw new ValueError(`spectralNorm: ${module.constructor.name} has no tensor '${name}'`);
  if (!(Number.isInteger(nPowerIterations) && nPowerIterations > 0)) throw new ValueError(`spectralNorm: nPowerIterations must be a positive integer, got ${nPowerIterations}`);
  const d = dim ?? (module.constructor.name.startsWith("ConvTranspose") ? 1 : 0);
  return registerParametrization(module, name, new SpectralNorm(weight, nPowerIterations, d, eps));
}
