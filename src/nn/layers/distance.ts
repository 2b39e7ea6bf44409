/** Distance and similarity layers over their functional forms. */
import type { Tensor } from "../../ops/tensor.js";
import { cosineSimilarity, pairwiseDistance } from "../functional/similarity.js";
import { Module } from "../module.js";

export class PairwiseDistance extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: { p?: number; eps?: number; keepdim?: boolean } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, this.options);
  }
}

export class CosineSimilarity extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: { dim?: number; eps?: number } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, this.options);
  }
}
