/** Graph-level readouts (sum, mean, max of each graph's nodes) and TopKPooling (Gao & Ji; Cangea et al.). */
import { ValueError } from "../../base/errors.js";
import { checkOptions } from "../../base/options.js";
import type { Tensor } from "../../ops/tensor.js";
import { empty } from "../../nn/empty.js";
import { uniform_ } from "../../nn/init.js";
import { Module } from "../../nn/module.js";
import { Parameter } from "../../nn/parameter.js";
import { noGrad } from "../../ops/grad-mode.js";
import { tensor } from "../../ops/creation.js";
import { indexSelect } from "../../ops/indexing.js";
import { amax } from "../../ops/reduce.js";
import { scatter, sizeFromIndex, type ScatterReduce } from "../scatter.js";
import { edgeArrays, edgeTensor, positions } from "../utils/edges.js";

function globalPool(reduce: ScatterReduce, keep: (x: Tensor) => Tensor) {
  return (x: Tensor, batch: Tensor | null = null, size: number | null = null): Tensor =>
    batch === null ? keep(x) : scatter(x, batch, { dim: -2, dimSize: size ?? sizeFromIndex(batch), reduce });
}

/** Σ of each graph's node features: [B, F] (a single graph without batch: [1, F]). */
export const globalAddPool = globalPool("sum", (x) => x.sum(-2, true));
/** Mean of each graph's node features. */
export const globalMeanPool = globalPool("mean", (x) => x.mean(-2, true));
/** Feature-wise max over each graph's nodes. */
export const globalMaxPool = globalPool("max", (x) => amax(x, -2, true));

export interface TopKPoolingOptions {
  /** The fraction of each graph's nodes kept (0 < ratio ≤ 1), or a count when ≥ 1 and an integer > 1. */
  ratio?: number;
  /** Keep the nodes scoring above this instead (overrides ratio). */
  minScore?: number | null;
  multiplier?: number;
  nonlinearity?: "tanh" | "sigmoid";
}

export type TopKResult = [x: Tensor, edgeIndex: Tensor, edgeAttr: Tensor | null, batch: Tensor, perm: Tensor, score: Tensor];

/**
 * Scores nodes by a learnt projection, keeps each graph's top ⌈ratio·n⌉, gates their features by
 * the score (so the projection learns) and keeps the edges among them: [x, edgeIndex, edgeAttr,
 * batch, perm, score].
 */
export class TopKPooling extends Module<[x: Tensor, edgeIndex: Tensor, edgeAttr?: Tensor | null, batch?: Tensor | null], TopKResult> {
  readonly weight: Parameter;
  private readonly o: Required<Omit<TopKPoolingOptions, "minScore">> & { minScore: number | null };

  constructor(readonly inChannels: number, options: TopKPoolingOptions = {}) {
    super();
    checkOptions("TopKPooling", options, { ratio: "number", minScore: "any", multiplier: "number", nonlinearity: ["tanh", "sigmoid"] });
    this.o = { ratio: 0.5, minScore: null, multiplier: 1, nonlinearity: "tanh", ...options };
    if (!(this.o.ratio > 0)) throw new ValueError(`TopKPooling: ratio must be positive, got ${this.o.ratio}`);
    this.weight = new Parameter(empty([1, inChannels]));
    noGrad(() => uniform_(this.weight, -1 / Math.sqrt(inChannels), 1 / Math.sqrt(inChannels)));
  }

  forward(x: Tensor, edgeIndex: Tensor, edgeAttr: Tensor | null = null, batch: Tensor | null = null): TopKResult {
    const n = x.shape[0]!;
    const b = batch ?? tensor(new Int32Array(n), { dtype: "int32", device: x.backend });
    let score = x.mul(this.weight).sum(-1);
    if (this.o.minScore === null) {
      score = score.div(this.weight.square().sum().sqrt());
      score = this.o.nonlinearity === "tanh" ? score.tanh() : score.sigmoid();
    } else {
      score = scatterSoftmax(score, b);
    }
    const perm = positions(this.select(score.detach().dataSync(), b.dataSync() as Int32Array));
    const s = indexSelect(score, 0, perm);
    let out = indexSelect(x, 0, perm).mul(s.view(-1, 1));
    if (this.o.multiplier !== 1) out = out.mul(this.o.multiplier);
    const [ei, ea] = filterAdj(edgeIndex, edgeAttr, perm, n);
    return [out, ei, ea, indexSelect(b, 0, perm), perm, s];
  }

  /** Per graph (in order), its nodes by descending score: the top ⌈ratio·n⌉, or those above minScore. */
  private select(score: ArrayLike<number>, batch: Int32Array): number[] {
    const groups = new Map<number, number[]>();
    batch.forEach((g, v) => (groups.get(g) ?? groups.set(g, []).get(g)!).push(v));
    const out: number[] = [];
    for (const g of [...groups.keys()].sort((p, q) => p - q)) {
      const nodes = groups.get(g)!.sort((p, q) => score[q]! - score[p]! || p - q);
      if (this.o.minScore !== null) {
        const best = score[nodes[0]!]! - 1e-7;
        out.push(...nodes.filter((v) => score[v]! > Math.min(best, this.o.minScore!)));
      } else {
        const k = this.o.ratio >= 1 && Number.isInteger(this.o.ratio) && this.o.ratio > 1 ? Math.min(this.o.ratio, nodes.length) : Math.ceil(this.o.ratio * nodes.length);
        out.push(...nodes.slice(0, k));
      }
    }
    return out;
  }

  override extraRepr(): string {
    return `${this.inChannels}, ratio=${this.o.ratio}, multiplier=${this.o.multiplier}`;
  }
}

/** Softmax of scores within each graph (TopKPooling's minScore mode). */
function scatterSoftmax(score: Tensor, batch: Tensor): Tensor {
  const max = scatter(score.detach(), batch, { reduce: "max" });
  const e = score.sub(indexSelect(max, 0, batch)).exp();
  return e.div(indexSelect(scatter(e, batch, { reduce: "sum" }), 0, batch));
}

/** The edges among the kept nodes, renumbered to their positions in perm. */
export function filterAdj(edgeIndex: Tensor, edgeAttr: Tensor | null, perm: Tensor, numNodes: number): [Tensor, Tensor | null] {
  const { row, col } = edgeArrays(edgeIndex, "filterAdj", numNodes);
  const label = new Int32Array(numNodes).fill(-1);
  perm.dataSync().forEach((v, i) => (label[v] = i));
  const kept: number[] = [];
  for (let e = 0; e < row.length; e++) if (label[row[e]!]! >= 0 && label[col[e]!]! >= 0) kept.push(e);
  return [edgeTensor(kept.map((e) => label[row[e]!]!), kept.map((e) => label[col[e]!]!)), edgeAttr && indexSelect(edgeAttr, 0, positions(kept))];
}
