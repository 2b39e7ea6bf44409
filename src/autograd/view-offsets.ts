/** The storage offset of each element of a tensor, in row-major order (for per-element probing). */
import type { Tensor } from "../ops/tensor.js";

export function offsetsOfView(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (dim: number, off: number) => {
    if (dim === t.ndim) {
      out.push(off);
      return;
    }
    for (let i = 0; i < t.shape[dim]!; i++) walk(dim + 1, off + i * t.strides[dim]!);
  };
  walk(0, t.offset);
  return out;
}
