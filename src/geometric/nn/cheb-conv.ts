/**
 * ChebConv (Defferrard et al.): spectral filtering by Chebyshev polynomials of the scaled Laplacian,
 * x' = Σ_k T_k(L̂) x W_k with T_0 = x, T_1 = L̂x, T_k = 2L̂T_{k−1} − T_{k−2}.
 */
import type { DType } from "../../base/dtype.js";
import { ValueError } from "../../base/errors.js";
import { checkChoice, checkOptions } from "../../base/options.js";
import type { Tensor } from "../../ops/tensor.js";
import { ones, tensor, zeros } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { ModuleList } from "../../nn/layers/container.js";
import { Linear } from "../../nn/layers/linear.js";
import { Parameter } from "../../nn/parameter.js";
import { scatter } from "../scatter.js";
import { checkEdgeIndexShape, edgeArrays } from "../utils/edges.js";
import { addSelfLoops, removeSelfLoops } from "../utils/loops.js";
import { glorot_ } from "./inits.js";
import { MessagePassing, type MessageArgs } from "./message-passing.js";

export type LaplacianNormalization = "sym" | "rw" | null;

/** The graph Laplacian L = D − A, or I − D^−½AD^−½ ("sym"), or I − D^−1A ("rw"), as weighted edges with loops (PyG's get_laplacian). */
export function getLaplacian(
  edgeIndex: Tensor, edgeWeight: Tensor | null, numNodes: number, normalization: LaplacianNormalization = null, dtype: DType = "float32",
): [Tensor, Tensor] {
  let [ei, ew] = removeSelfLoops(edgeIndex, edgeWeight ?? ones([edgeIndex.shape[1]!], { dtype, device: edgeIndex.backend })) as [Tensor, Tensor];
  const row = ei.select(0, 0);
  const col = ei.select(0, 1);
  const deg = scatter(ew, row, { dim: 0, dimSize: numNodes, reduce: "sum" });
  const finite = (t: Tensor) => where(t.eq(Infinity), 0, t);
  if (normalization === null) return addSelfLoops(ei, ew.neg(), { fillValue: deg, numNodes }) as [Tensor, Tensor];
  if (normalization === "sym") {
    const d = finite(deg.pow(-0.5));
    ew = d.indexSelect(0, row).mul(ew).mul(d.indexSelect(0, col));
  } else {
    ew = finite(deg.reciprocal()).indexSelect(0, row).mul(ew);
  }
  [ei, ew] = addSelfLoops(ei, ew.neg(), { fillValue: 1, numNodes }) as [Tensor, Tensor];
  return [ei, ew];
}

export interface ChebConvOptions {
  normalization?: LaplacianNormalization;
  bias?: boolean;
}

export class ChebConv extends MessagePassing<[x: Tensor, edgeIndex: Tensor, edgeWeight?: Tensor | null, lambdaMax?: number | null]> {
  readonly lins: ModuleList<Linear>;
  readonly bias: Parameter | null;
  readonly normalization: LaplacianNormalization;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly K: number, options: ChebConvOptions = {}) {
    super({ aggr: "add" });
    checkOptions("ChebConv", options, { normalization: "any", bias: "boolean" });
    if (!Number.isInteger(K) || K < 1) throw new ValueError(`ChebConv: K must be a positive integer, got ${K}`);
    this.normalization = options.normalization === null ? null : checkChoice<"sym" | "rw">("ChebConv", "normalization", options.normalization ?? "sym", ["sym", "rw"]);
    this.lins = new ModuleList(Array.from({ length: K }, () => new Linear(inChannels, outChannels, { bias: false })));
    this.bias = options.bias === false ? null : new Parameter(zeros([outChannels]));
    for (const lin of this.lins) glorot_(lin.weight);
  }

  /** The scaled Laplacian L̂ = 2L/λmax − I as weighted edges. */
  private norm(edgeIndex: Tensor, edgeWeight: Tensor | null, numNodes: number, lambdaMax: number, dtype: DType): [Tensor, Tensor] {
    const [ei, ew] = getLaplacian(edgeIndex, edgeWeight, numNodes, this.normalization, dtype);
    const { row, col } = edgeArrays(ei, "ChebConv");
    const loops = tensor(Float32Array.from(row, (r, e) => +(r === col[e]!)), { dtype: ew.dtype, device: ew.backend });
    const scaled = ew.mul(2 / lambdaMax);
    return [ei, where(scaled.eq(Infinity), 0, scaled).sub(loops)];
  }

  forward(x: Tensor, edgeIndex: Tensor, edgeWeight: Tensor | null = null, lambdaMax: number | null = null): Tensor {
    checkEdgeIndexShape(edgeIndex, "ChebConv");
    if (this.normalization !== "sym" && lambdaMax === null) throw new ValueError("ChebConv: lambdaMax must be given unless normalization is \"sym\"");
    const [ei, norm] = this.norm(edgeIndex, edgeWeight, x.shape[0]!, lambdaMax ?? 2, x.dtype);
    const lins = [...this.lins];
    let tx0 = x;
    let out = lins[0]!.forward(tx0);
    if (lins.length > 1) {
      let tx1 = this.propagate(ei, { x, norm });
      out = out.add(lins[1]!.forward(tx1));
      for (const lin of lins.slice(2)) {
        const tx2 = this.propagate(ei, { x: tx1, norm }).mul(2).sub(tx0);
        out = out.add(lin.forward(tx2));
        [tx0, tx1] = [tx1, tx2];
      }
    }
    return this.bias ? out.add(this.bias) : out;
  }

  override message({ x_j, norm }: MessageArgs<{ x: Tensor; norm: Tensor }>): Tensor {
    return norm.view(-1, 1).mul(x_j);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, K=${this.K}, normalization=${String(this.normalization)}`;
  }
}
