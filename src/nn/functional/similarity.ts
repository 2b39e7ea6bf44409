/** Vector normalisation and cosine similarity (torch.nn.functional.normalize, cosine_similarity). */
import type { Tensor } from "../../core/tensor.js";
import { clamp } from "../../ops/elementwise.js";
import { checkFloating } from "./basic.js";

/** x / max(‖x‖_p, eps) along `dim` (PyTorch's F.normalize; p = 2 by default). */
export function normalize(x: Tensor, { p = 2, dim = 1, eps = 1e-12 }: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  checkFloating("normalize", x);
  const norm = p === 2 ? x.square().sum(dim, true).sqrt() : x.abs().pow(p).sum(dim, true).pow(1 / p);
  return x.div(clamp(norm, eps));
}

/**
 * x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps)) along `dim`, broadcasting (PyTorch 2's
 * cosine_similarity, which clamps each norm separately).
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, { dim = 1, eps = 1e-8 }: { dim?: number; eps?: number } = {}): Tensor {
  checkFloating("cosineSimilarity", x1);
  checkFloating("cosineSimilarity", x2);
  const n1 = clamp(x1.square().sum(dim, true).sqrt(), eps);
  const n2 = clamp(x2.square().sum(dim, true).sqrt(), eps);
  return x1.div(n1).mul(x2.div(n2)).sum(dim);
}
