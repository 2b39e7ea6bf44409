/**
 * Batched matmul [B,M,K]·[B,K,N] → [B,M,N] over strided operands (a transpose, a broadcast batch:
 * just strides), tiled: a workgroup of 16×16 threads computes a 64×64 block of the output, each
 * thread a 4×4 register block, stepping through K in slices of 16 staged in workgroup memory.
 */
import { META, WGSL_TYPE, binding, type GpuDType } from "./wgsl.js";
import type { MapKernel, Operand } from "./elementwise.js";

const TILE = 64;
const SLICE = 16;

export function matmulKernel(a: Operand, b: Operand, shape: { B: number; M: number; K: number; N: number }, out: GPUBuffer): MapKernel & { groups: number; workgroup: number } {
  const { B, M, K, N } = shape;
  const tm = Math.ceil(M / TILE);
  const tn = Math.ceil(N / TILE);
  const groups = B * tm * tn;
  const meta = [groups, M, K, N, tn, a.offset, ...a.strides, b.offset, ...b.strides];
  const t = WGSL_TYPE[a.dtype as GpuDType];
  const zero = `${t}(0)`;
  const code = `${META}
${binding(1, "out", a.dtype, true)}
${binding(2, "A", a.dtype, false)}
${binding(3, "Bm", b.dtype, false)}
var<workgroup> As: array<${t}, ${SLICE * TILE}>; // [k][m]
var<workgroup> Bs: array<${t}, ${SLICE * TILE}>; // [k][n]
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let w = wid.x + wid.y * nwg.x;
  if (w >= u32(params[0])) { return; }
  let M = u32(params[1]); let K = u32(params[2]); let N = u32(params[3]); let tn = u32(params[4]);
  let tiles = ((M + ${TILE - 1}u) / ${TILE}u) * tn;
  let bi = i32(w / tiles);
  let r = w % tiles;
  let row0 = (r / tn) * ${TILE}u;
  let col0 = (r % tn) * ${TILE}u;
  let aBase = params[5] + bi * params[6];
  let bBase = params[9] + bi * params[10];
  let tx = lid % 16u;
  let ty = lid / 16u;
  var acc: array<${t}, 16>;
  for (var q = 0u; q < 16u; q++) { acc[q] = ${zero}; }
  for (var k0 = 0u; k0 < K; k0 += ${SLICE}u) {
    for (var s = 0u; s < 4u; s++) {
      let e = lid + 256u * s;
      let m = e / ${SLICE}u; let ka = e % ${SLICE}u;
      var va = ${zero};
      if (row0 + m < M && k0 + ka < K) { va = A[u32(aBase + i32(row0 + m) * params[7] + i32(k0 + ka) * params[8])]; }
      As[ka * ${TILE}u + m] = va;
      let kb = e / ${TILE}u; let n = e % ${TILE}u;
      var vb = ${zero};
      if (k0 + kb < K && col0 + n < N) { vb = Bm[u32(bBase + i32(k0 + kb) * params[11] + i32(col0 + n) * params[12])]; }
      Bs[kb * ${TILE}u + n] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${SLICE}u; kk++) {
      let a0 = As[kk * ${TILE}u + ty * 4u]; let a1 = As[kk * ${TILE}u + ty * 4u + 1u];
      let a2 = As[kk * ${TILE}u + ty * 4u + 2u]; let a3 = As[kk * ${TILE}u + ty * 4u + 3u];
      for (var j = 0u; j < 4u; j++) {
        let bv = Bs[kk * ${TILE}u + tx * 4u + j];
        acc[j] += a0 * bv; acc[4u + j] += a1 * bv; acc[8u + j] += a2 * bv; acc[12u + j] += a3 * bv;
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + ty * 4u + i;
    if (row >= M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + tx * 4u + j;
      if (col < N) { out[(u32(bi) * M + row) * N + col] = acc[i * 4u + j]; }
    }
  }
}`;
  return { code, meta, buffers: [out, a.buffer, b.buffer], threads: groups * 256, groups, workgroup: 256 };
}
