/** Strided addressing for the reference backend: the element offsets a view visits, in row-major order. */
import type { Shape } from "../../base/shape.js";
import { numel } from "../../base/shape.js";

/** offsets[i] = storage offset of the i-th element (row-major) of a (shape, strides, offset) view. */
export function offsetsOf(shape: Shape, strides: Shape, offset: number): Int32Array {
  const n = numel(shape);
  const out = new Int32Array(n);
  const nd = shape.length;
  if (n === 0) return out;
  const idx = new Array<number>(nd).fill(0);
  let off = offset;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    // Odometer: bump the last dim, carrying into earlier ones.
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
