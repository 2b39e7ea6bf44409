/**
 * Vector normalisation, cosine similarity and p-norm distances (torch.nn.functional.normalize,
 * cosine_similarity, pairwise_distance, pdist).
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { clamp } from "../../ops/elementwise.js";
import { indexSelect } from "../../ops/indexing.js";
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

/** The p-norm along the last dim: p = 2, any p > 0, ∞ (the largest |x|) or 0 (how many are not 0). */
function pNorm(x: Tensor, p: number, keepdim: boolean, op: string): Tensor {
  if (!(p >= 0)) throw new ValueError(`${op}: p must be non-negative, got ${p}`);
  const d = x.ndim - 1;
  if (p === 2) return x.square().sum(d, keepdim).sqrt();
  if (p === 1) return x.abs().sum(d, keepdim);
  if (p === Infinity) return x.abs().amax(d, keepdim);
  if (p === 0) return x.ne(0).float().sum(d, keepdim);
  return x.abs().pow(p).sum(d, keepdim).pow(1 / p);
}

/** ‖x1 − x2 + eps‖_p along the last dim, broadcasting (PyTorch's pairwise_distance). */
export function pairwiseDistance(x1: Tensor, x2: Tensor, { p = 2, eps = 1e-6, keepdim = false }: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor {
  checkFloating("pairwiseDistance", x1);
  checkFloating("pairwiseDistance", x2);
  return pNorm(x1.sub(x2).add(eps), p, keepdim, "pairwiseDistance");
}

/** The p-norm distances between the rows of an [N, M] matrix, for every pair i < j in row-major order. */
export function pdist(x: Tensor, p = 2): Tensor {
  checkFloating("pdist", x);
  if (x.ndim !== 2) throw new ShapeError(`pdist: the input must be an [N, M] matrix, got shape ${fmtShape(x.shape)}`);
  const n = x.shape[0]!;
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      rows.push(i);
      cols.push(j);
    }
  }
  const pick = (ids: number[]) => indexSelect(x, 0, tensor(Int32Array.from(ids), { dtype: "int32", device: x.backend }));
  return pNorm(pick(rows).sub(pick(cols)), p, false, "pdist");
}
