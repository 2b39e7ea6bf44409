/**
 * Scatter and segment reductions, the engine of message passing (PyG's `utils.scatter`, `softmax`):
 * values of edges grouped by the node an index names, reduced by sum, mean, max, min or product.
 * Gradients come from the engine's scatterAdd / scatterReduce rules (max and min share a tie's
 * gradient evenly, as PyTorch's scatter_reduce and therefore PyG).
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { normalizeDim } from "../base/shape.js";
import { checkChoice, checkOptions } from "../base/options.js";
import type { Tensor } from "../ops/tensor.js";
import { full, zeros } from "../ops/creation.js";
import { div, maximum } from "../ops/elementwise.js";
import { indexSelect, scatterAdd, scatterReduce } from "../ops/indexing.js";
import { expand, reshape } from "../ops/movement.js";
import { amax } from "../ops/reduce.js";

export type ScatterReduce = "sum" | "add" | "mean" | "max" | "min" | "amax" | "amin" | "mul";
const REDUCES: readonly ScatterReduce[] = ["sum", "add", "mean", "max", "min", "amax", "amin", "mul"];

export interface ScatterOptions {
  /** The dim of src the index runs along (default 0). */
  dim?: number;
  /** The output's size along dim (default: max(index) + 1). */
  dimSize?: number | null;
  reduce?: ScatterReduce;
}

/** A 1-D int32 index of the given length, or a typed error naming the op. */
export function checkGroupIndex(index: Tensor, length: number, op: string): void {
  if (index.dtype !== "int32") throw new DTypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
  if (index.ndim !== 1) throw new ShapeError(`${op}: index must be 1-D, got shape ${fmtShape(index.shape)}`);
  if (index.shape[0] !== length) throw new ShapeError(`${op}: index has ${index.shape[0]} entries, src has ${length} along the scattered dim`);
}

/** The index along dim, viewed and expanded to src's shape (PyG's `broadcast`). */
function along(index: Tensor, src: Tensor, dim: number): Tensor {
  return expand(reshape(index, src.shape.map((s, d) => (d === dim ? s : 1))), src.shape);
}

/** max(index) + 1, or 0 for an empty index. */
export function sizeFromIndex(index: Tensor): number {
  return index.numel() > 0 ? amax(index).item() + 1 : 0;
}

/**
 * out[…, index[e], …] = reduce over e of src[…, e, …] along dim; positions no edge reaches are 0
 * (1 for "mul", as PyG). An index entry outside [0, dimSize) is an IndexError naming it.
 */
export function scatter(src: Tensor, index: Tensor, opts: ScatterOptions = {}): Tensor {
  const op = "scatter";
  checkOptions(op, opts, { dim: "integer", dimSize: "any", reduce: "string" });
  const reduce = checkChoice(op, "reduce", opts.reduce ?? "sum", REDUCES);
  const dim = normalizeDim(opts.dim ?? 0, src.ndim, op);
  checkGroupIndex(index, src.shape[dim]!, op);
  const dimSize = opts.dimSize ?? sizeFromIndex(index);
  if (!Number.isSafeInteger(dimSize) || dimSize < 0) throw new ValueError(`${op}: dimSize must be a non-negative integer, got ${dimSize}`);
  const size = src.shape.map((s, d) => (d === dim ? dimSize : s));
  const at = along(index, src, dim);
  const base = (value: number) => full(size, value, { dtype: src.dtype }).toBackend(src.backend);
  switch (reduce) {
    case "sum":
    case "add":
      return scatterAdd(base(0), dim, at, src);
    case "mean": {
      const count = scatterAdd(zeros([dimSize], { dtype: src.dtype }).toBackend(src.backend), 0, index, full([index.numel()], 1, { dtype: src.dtype }).toBackend(src.backend));
      const sum = scatterAdd(base(0), dim, at, src);
      return div(sum, reshape(maximum(count, 1), size.map((s, d) => (d === dim ? s : 1))));
    }
    case "mul":
      return scatterReduce(base(1), dim, at, src, "prod");
    default:
      return scatterReduce(base(0), dim, at, src, reduce === "max" || reduce === "amax" ? "amax" : "amin", { includeSelf: false });
  }
}

export interface SoftmaxOptions {
  /** The number of groups (default: max(index) + 1). */
  numNodes?: number | null;
  dim?: number;
}

/**
 * Softmax of src within each group of entries sharing an index value (PyG's `utils.softmax`): the
 * attention weights of a node's incoming edges sum to 1.
 */
export function softmax(src: Tensor, index: Tensor, opts: SoftmaxOptions = {}): Tensor {
  checkOptions("softmax", opts, { numNodes: "any", dim: "integer" });
  const dim = normalizeDim(opts.dim ?? 0, src.ndim, "softmax");
  checkGroupIndex(index, src.shape[dim]!, "softmax");
  const dimSize = opts.numNodes ?? sizeFromIndex(index);
  // The group maximum is a constant shift (detached, as PyG): it keeps exp from overflowing.
  const groupMax = scatter(src.detach(), index, { dim, dimSize, reduce: "max" });
  const e = src.sub(indexSelect(groupMax, dim, index)).exp();
  const total = scatter(e, index, { dim, dimSize, reduce: "sum" }).add(1e-16);
  return e.div(indexSelect(total, dim, index));
}
