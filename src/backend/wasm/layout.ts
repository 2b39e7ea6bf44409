/**
 * Iteration spaces for the wasm kernels: views are collapsed (size-1 dims dropped, neighbouring dims
 * merged where every operand's strides allow) and padded to exactly 4 dims (2 for the kept and reduced halves of a reduction), the form every
 * elementwise kernel takes. A view that needs more than 4 dims after collapsing goes to the
 * reference loops instead (rare: it takes five independently strided dims).
 */
import { mergeDims, type Shape } from "../../base/shape.js";

export interface Space4 {
  /** `rank` dims (4 unless asked otherwise). */
  shape: number[];
  /** One stride list per operand, in elements. */
  strides: number[][];
}

export function collapse(shape: Shape, strides: readonly Shape[], rank = 4): Space4 | null {
  const { shape: dims, strides: out } = mergeDims(shape, strides);
  if (dims.length > rank) return null;
  while (dims.length < rank) {
    dims.unshift(1);
    out.forEach((s) => s.unshift(0));
  }
  return { shape: dims, strides: out };
}
