/**
 * Pairwise squared Euclidean distances through one GEMM: ‖a‖² + ‖b‖² − 2a·bᵀ (scikit-learn's
 * `euclidean_distances` trick), clamped at 0 where rounding makes them negative.
 */
import type { Tensor } from "../ops/tensor.js";
import { clamp } from "../ops/elementwise.js";

export function squaredDistances(a: Tensor, b: Tensor, aSquared: Tensor | null = null): Tensor {
  const aa = aSquared ?? a.square().sum(1, true);
  const bb = b.square().sum(1).reshape([1, -1]);
  return clamp(aa.add(bb).sub(a.matmul(b.t()).mul(2)), 0);
}
