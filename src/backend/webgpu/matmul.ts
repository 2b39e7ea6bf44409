/**
 * Batched matmul [B,M,K]·[B,K,N] → [B,M,N] over strided operands (a transpose, a broadcast batch:
 * just strides), tiled: a workgroup of 16×16 threads computes a 64×64 block of the output, each
 * thread a 4×4 register block (four vec4 rows), stepping through K in slices of 16 staged in
 * workgroup memory (B's as vec4s, so that one load feeds a row's four products).
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
var<workgroup> Bs: array<vec4<${t}>, ${(SLICE * TILE) / 4}>; // [k][n / 4]
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
  // Strides as lets: a storage read after a barrier would be repeated every slice.
  let sam = params[7]; let sak = params[8]; let sbk = params[11]; let sbn = params[12];
  let tx = lid % 16u;
  let ty = lid / 16u;
  // Row i of this thread's 4×4 block is acc_i; the columns are a vec4's lanes.
  var acc0 = vec4<${t}>(); var acc1 = vec4<${t}>(); var acc2 = vec4<${t}>(); var acc3 = vec4<${t}>();
  for (var k0 = 0u; k0 < K; k0 += ${SLICE}u) {
    for (var s = 0u; s < 4u; s++) {
      let e = lid + 256u * s;
      let m = e / ${SLICE}u; let ka = e % ${SLICE}u;
      var va = ${zero};
      if (row0 + m < M && k0 + ka < K) { va = A[u32(aBase + i32(row0 + m) * sam + i32(k0 + ka) * sak)]; }
      As[ka * ${TILE}u + m] = va;
    }
    {
      let kb = lid / 16u; let n = col0 + (lid % 16u) * 4u;
      var vb = vec4<${t}>();
      if (k0 + kb < K) {
        let at = bBase + i32(k0 + kb) * sbk;
        let sn = sbn;
        if (n < N) { vb.x = Bm[u32(at + i32(n) * sn)]; }
        if (n + 1u < N) { vb.y = Bm[u32(at + i32(n + 1u) * sn)]; }
        if (n + 2u < N) { vb.z = Bm[u32(at + i32(n + 2u) * sn)]; }
        if (n + 3u < N) { vb.w = Bm[u32(at + i32(n + 3u) * sn)]; }
      }
      Bs[lid] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${SLICE}u; kk++) {
      let b = Bs[kk * 16u + tx];
      let a = kk * ${TILE}u + ty * 4u;
      acc0 += As[a] * b; acc1 += As[a + 1u] * b; acc2 += As[a + 2u] * b; acc3 += As[a + 3u] * b;
    }
    workgroupBarrier();
  }
  let rows = array<vec4<${t}>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + ty * 4u + i;
    if (row >= M) { break; }
    let o = (u32(bi) * M + row) * N;
    let col = col0 + tx * 4u;
    for (var j = 0u; j < 4u; j++) {
      if (col + j < N) { out[o + col + j] = rows[i][j]; }
    }
  }
}`;
  return { code, meta, buffers: [out, a.buffer, b.buffer], threads: groups * 256, groups, workgroup: 256 };
}
