/**
 * Iteration spaces for the wasm kernels: views are collapsed (size-1 dims dropped, neighbouring dims
 * merged where every operand's strides allow) and padded to exactly 4 dims (2 for the kept and reduced halves of a reduction), the form every
 * elementwise kernel takes. A view that needs more than 4 dims after collapsing goes to the
 * reference loops instead (rare: it takes five independently strided dims).
 */
import type { Shape } from "../../base/shape.js";

export interface Space4 {
  /** `rank` dims (4 unless asked otherwise). */
  shape: number[];
  /** One stride list per operand, in elements. */
  strides: number[][];
}

export function collapse(shape: Shape, strides: readonly Shape[], rank = 4): Space4 | null {
  // mergeDims' rule, written straight into the rank-long arrays (each op builds a space or two, and
  // what they allocated was a good part of a small op's garbage).
  const K = strides.length;
  const dims = new Array<number>(rank).fill(1);
  const out: number[][] = new Array<number[]>(K);
  for (let k = 0; k < K; k++) out[k] = new Array<number>(rank).fill(0);
  let m = 0; // dims so far
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    let merges = m > 0;
    for (let k = 0; merges && k < K; k++) merges = out[k]![m - 1] === strides[k]![d]! * n;
    if (merges) {
      dims[m - 1]! *= n;
      for (let k = 0; k < K; k++) out[k]![m - 1] = strides[k]![d]!;
    } else {
      if (m === rank) return null;
      dims[m] = n;
      for (let k = 0; k < K; k++) out[k]![m] = strides[k]![d]!;
      m++;
    }
  }
  // Right-aligned: the padding dims (size 1, stride 0) go in front.
  const pad = rank - m;
  if (pad > 0) {
    for (let i = rank - 1; i >= 0; i--) dims[i] = i >= pad ? dims[i - pad]! : 1;
    for (const s of out) for (let i = rank - 1; i >= 0; i--) s[i] = i >= pad ? s[i - pad]! : 0;
  }
  return { shape: dims, strides: out };
}
