/** Gradient rules for matrix products and indexing. */
import { zerosLike } from "../../ops/creation.js";
import { apply } from "../../ops/dispatch.js";
import { gather, scatterAdd } from "../../ops/indexing.js";
import { transpose } from "../../ops/movement.js";
import type { RuleTable } from "./types.js";

export const linalgRules: RuleTable<"matmul" | "gather" | "scatterAdd"> = {
  // [B,M,K]·[B,K,N]: dA = g·Bᵀ, dB = Aᵀ·g (the transposes are views).
  matmul: (g, { inputs: [a, b], needsGrad }) => [
    needsGrad[0] ? apply("matmul", [g, transpose(b!, 1, 2)], {}) : null,
    needsGrad[1] ? apply("matmul", [transpose(a!, 1, 2), g], {}) : null,
  ],
  gather: (g, { inputs: [x, index], attrs: { dim } }) => [scatterAdd(zerosLike(x!), dim, index!, g), null],
  scatterAdd: (g, { inputs: [, index], attrs: { dim }, needsGrad }) => [g, null, needsGrad[2] ? gather(g, dim, index!) : null],
};
