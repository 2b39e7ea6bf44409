/**
 * torch.nn.functional.pad with all four modes: constant (a value), reflect (mirrored without the
 * edge), replicate (the edge repeated) and circular (wrapped around). The non-constant modes
 * gather the padded rows with indexSelect, one padded dim at a time, so their gradients add the
 * copies' back onto the rows they came from.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { indexSelect } from "../../ops/indexing.js";
import { pad as constantPad } from "../../ops/movement.js";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/** The source row of each output row along a dim of size n padded by [before, after]. */
function sourceRows(n: number, before: number, after: number, mode: Exclude<PadMode, "constant">, d: number): number[] {
  if (mode === "reflect" && (before >= n || after >= n)) throw new ShapeError(`pad: reflect padding of ${Math.max(before, after)} needs dim ${d} larger than that, got ${n}`);
  if (mode === "circular" && (before > n || after > n)) throw new ShapeError(`pad: circular padding of ${Math.max(before, after)} needs dim ${d} at least that large, got ${n}`);
  return Array.from({ length: before + n + after }, (_, i) => {
    const j = i - before; // position relative to the first real row
    if (j >= 0 && j < n) return j;
    if (mode === "replicate") return j < 0 ? 0 : n - 1;
    if (mode === "circular") return ((j % n) + n) % n;
    return j < 0 ? -j : 2 * (n - 1) - j; // reflect
  });
}

/**
 * Pads (or, with negative amounts in constant mode, crops) the last dims: amounts are [left,
 * right] of the last dim, then [top, bottom] of the one before, … As PyTorch, reflect, replicate
 * and circular pad the last 1–3 dims of a batched input ([N, C, …]) or of an unbatched one.
 */
export function pad(x: Tensor, amounts: readonly number[], mode: PadMode | number = "constant", value = 0): Tensor {
  if (typeof mode === "number") return constantPad(x, amounts, mode); // pad(x, amounts, value), as before
  if (mode === "constant") return constantPad(x, amounts, value);
  if (!["reflect", "replicate", "circular"].includes(mode)) throw new ValueError(`pad: mode must be constant, reflect, replicate or circular, got ${JSON.stringify(mode)}`);
  if (amounts.length % 2 !== 0 || amounts.length / 2 > 3 || amounts.length / 2 > x.ndim - 1) {
    throw new ShapeError(`pad: ${mode} padding takes 2, 4 or 6 amounts for the last 1–3 dims of an input with more dims, got ${amounts.length} for shape ${fmtShape(x.shape)}`);
  }
  if (amounts.some((a) => a < 0 || !Number.isInteger(a))) throw new ValueError(`pad: ${mode} padding amounts must be non-negative integers, got [${amounts.join(", ")}]`);
  let out = x;
  for (let i = 0; i < amounts.length / 2; i++) {
    const d = x.ndim - 1 - i;
    const [before, after] = [amounts[2 * i]!, amounts[2 * i + 1]!];
    if (before === 0 && after === 0) continue;
    const rows = sourceRows(out.shape[d]!, before, after, mode, d);
    out = indexSelect(out, d, tensor(Int32Array.from(rows), { dtype: "int32", device: x.backend }), "pad");
  }
  return out;
}
