/**
 * How a memory-bound kernel's iteration space splits over the thread pool: along its outermost dim
 * longer than 1, in contiguous ranges, so that each output element is computed exactly as on one
 * thread (the result does not depend on the thread count).
 */
import type { Space4 } from "./layout.js";

/**
 * Elements from which a memory-bound kernel (elementwise, reduction, copy, im2col, pooling, a row
 * routine) splits over the pool while its workers are awake, spinning between the kernels of a
 * training step: a 64K-element add takes about 16 µs on one thread. Split at 256K alone, the seed
 * CNN's 260K-element activations stayed on one thread between kernels split by images, and its
 * step ran 6–10% slower on 2 threads (docs/architecture.md: follow the producer's split).
 */
export const PARALLEL_ELEMENTS = 1 << 16;
/**
 * Elements from which it splits even when the workers sleep: waking one costs tens of µs to 1 ms
 * on a VM, and a 256K-element add takes about 60 µs on one thread.
 */
export const WAKE_ELEMENTS = 1 << 18;

/** One thread's share: its sub-space and where it starts, in elements, for each operand and the output. */
export interface Share {
  shape: number[];
  /** Element offset of the share's first element, per operand (by its strides). */
  offsets: number[];
  /** Element offset into the contiguous output. */
  outOffset: number;
}

/**
 * Splits `space` into at most `parts` shares along its outermost dim longer than 1; the innermost
 * dim splits in multiples of 16 elements (whole SIMD blocks). The output is contiguous over the
 * whole space (an elementwise op's), or over the kept half of a reduction, split the same way.
 */
export function splitSpace(space: Space4, parts: number): Share[] {
  const { shape, strides } = space;
  const dim = shape.findIndex((n) => n > 1);
  if (dim < 0 || parts < 2) return [{ shape, offsets: strides.map(() => 0), outOffset: 0 }];
  const n = shape[dim]!;
  const last = dim === shape.length - 1;
  const per = last ? Math.ceil(n / parts / 16) * 16 : Math.ceil(n / parts);
  const outStep = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const shares: Share[] = [];
  for (let start = 0; start < n; start += per) {
    const len = Math.min(per, n - start);
    const sub = [...shape];
    sub[dim] = len;
    shares.push({ shape: sub, offsets: strides.map((s) => start * s[dim]!), outOffset: start * outStep });
  }
  return shares;
}
