/**
 * Half-precision products (the "medium" float32 matmul precision, where the adapter has
 * `shader-f16`): the tiled kernel (matmul.ts) multiplies float16 copies of its operands and sums
 * each slice of 16 products in float16, then adds the slice into float32 accumulators.
 *
 * float16 alone would break float32 programs: it overflows past 65,504 and loses everything below
 * 6·10⁻⁸, where gradients often live. So each row of A and each column of B is first scaled by a
 * power of two that brings its largest magnitude into [0.5, 1) (exact: only exponents change),
 * and every output element is scaled back by its row's and column's factors. The operands are
 * then always in float16's range, a product is at most 1 and a slice's sum at most 16. What is
 * left is float16's 11-bit precision, relative to the row's (column's) largest element: bfloat16,
 * which PyTorch's "medium" allows on a GPU, has 8.
 *
 * This kernel finds the factors: a workgroup per row of A or column of B takes the largest
 * magnitude along K. A line that is all zeros, or holds an infinity or NaN, keeps the factor 1
 * (infinities and NaNs then reach the output as in float32).
 */
import { META, binding, type GpuDType } from "./wgsl.js";
import type { MapKernel, Operand } from "./elementwise.js";

const LANES = 64;

/** scales[0 … B·M) for A's rows, then scales[B·M … B·M + B·N) for B's columns. */
export function matmulScalesKernel(a: Operand, b: Operand, shape: { B: number; M: number; K: number; N: number }, scales: GPUBuffer): MapKernel & { groups: number; workgroup: number } {
  const { B, M, K, N } = shape;
  const groups = B * (M + N);
  const meta = [groups, M, K, N, B * M, a.offset, ...a.strides, b.offset, ...b.strides];
  const code = `${META}
${binding(1, "scales", "float32", true)}
${binding(2, "A", a.dtype as GpuDType, false)}
${binding(3, "Bm", b.dtype as GpuDType, false)}
var<workgroup> largest: array<f32, ${LANES}>;
@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let w = wid.x + wid.y * nwg.x;
  // Every thread reaches the barriers; those of workgroups past the end read nothing.
  let live = w < u32(params[0]);
  let M = u32(params[1]); let K = u32(params[2]); let N = u32(params[3]);
  let rowsA = u32(params[4]);
  var s = 0.0;
  if (live && w < rowsA) {
    let base = params[5] + i32(w / M) * params[6] + i32(w % M) * params[7];
    for (var k = lid; k < K; k += ${LANES}u) { s = max(s, abs(A[u32(base + i32(k) * params[8])])); }
  } else if (live) {
    let c = w - rowsA;
    let base = params[9] + i32(c / N) * params[10] + i32(c % N) * params[12];
    for (var k = lid; k < K; k += ${LANES}u) { s = max(s, abs(Bm[u32(base + i32(k) * params[11])])); }
  }
  largest[lid] = s;
  workgroupBarrier();
  for (var step = ${LANES / 2}u; step > 0u; step /= 2u) {
    if (lid < step) { largest[lid] = max(largest[lid], largest[lid + step]); }
    workgroupBarrier();
  }
  if (live && lid == 0u) {
    let top = largest[0];
    // A positive finite maximum: scale by 2^-e, where top = f·2^e with f in [0.5, 1).
    scales[w] = select(1.0, ldexp(1.0, -frexp(top).exp), top > 0.0 && bitcast<u32>(top) < 0x7f800000u);
  }
}`;
  return { code, meta, buffers: [scales, a.buffer, b.buffer], threads: groups * LANES, groups, workgroup: LANES };
}
