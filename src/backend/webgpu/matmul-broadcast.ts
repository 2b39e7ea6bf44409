/**
 * Batched matmul for WebGPU run on a CPU (a fallback adapter: Mesa's lavapipe, Chrome's
 * SwiftShader). There a workgroup's invocations are the lanes of CPU vectors, and a load whose
 * address differs between invocations is a gather, one scalar load per lane, from workgroup
 * memory too; the tiled kernel (matmul.ts), which stages both operands in workgroup memory and
 * reads them back per invocation, spends its time gathering.
 *
 * Here every invocation of a workgroup works on the same ROWS rows of A, so each load of A has one
 * address for all of them (a scalar load, broadcast), and each invocation reads its own eight
 * columns of B as two vec4s: per step of K, 8 broadcast loads and 2 vector gathers feed 64
 * multiply-adds, with nothing staged and no barriers. Measured on lavapipe (2 cores), SGEMM 1024:
 * 5.4 GFLOP/s tiled, 14–15 this way. On a GPU the tiled kernel's reuse of what it stages wins, so
 * this one serves fallback adapters only.
 */
import { META, WGSL_TYPE, binding, type GpuDType } from "./wgsl.js";
import type { MapKernel, Operand } from "./elementwise.js";

const ROWS = 8;

/** Invocations per workgroup: enough for N's columns, eight each, from 8 to 64 (an idle lane costs a CPU as much as a busy one). */
function lanesFor(N: number): number {
  return Math.min(64, Math.max(8, 2 ** Math.ceil(Math.log2(Math.ceil(N / 8)))));
}

export function matmulBroadcastKernel(a: Operand, b: Operand, shape: { B: number; M: number; K: number; N: number }, out: GPUBuffer): MapKernel & { groups: number; workgroup: number } {
  const { B, M, K, N } = shape;
  const lanes = lanesFor(N);
  const width = 8 * lanes;
  const [tm, tn] = [Math.ceil(M / ROWS), Math.ceil(N / width)];
  const groups = B * tm * tn;
  const meta = [groups, M, K, N, tn, a.offset, ...a.strides, b.offset, ...b.strides];
  const t = WGSL_TYPE[a.dtype as GpuDType];
  // B contiguous along N with 4-aligned rows: a column group is one vec4 (N % 4 = 0, so a clamped
  // group stays inside the row).
  const vecB = b.strides[2] === 1 && N % 4 === 0 && b.offset % 4 === 0 && b.strides[0]! % 4 === 0 && b.strides[1]! % 4 === 0;
  const loadB = (name: string, col: string) =>
    vecB
      ? `let ${name} = Bv[u32(at + i32(min(${col}, N - 4u))) / 4u];`
      : `let ${name} = vec4<${t}>(Bm[u32(at + i32(min(${col}, N - 1u)) * sbn)], Bm[u32(at + i32(min(${col} + 1u, N - 1u)) * sbn)], Bm[u32(at + i32(min(${col} + 2u, N - 1u)) * sbn)], Bm[u32(at + i32(min(${col} + 3u, N - 1u)) * sbn)]);`;
  const rows = Array.from({ length: ROWS }, (_, r) => r);
  const code = `${META}
${binding(1, "out", a.dtype, true)}
${binding(2, "A", a.dtype, false)}
${vecB ? `@group(0) @binding(3) var<storage, read> Bv: array<vec4<${t}>>;` : binding(3, "Bm", b.dtype, false)}
@compute @workgroup_size(${lanes})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let w = wid.x + wid.y * nwg.x;
  if (w >= u32(params[0])) { return; }
  let M = u32(params[1]); let K = u32(params[2]); let N = u32(params[3]); let tn = u32(params[4]);
  let tiles = ((M + ${ROWS - 1}u) / ${ROWS}u) * tn;
  let bi = w / tiles;
  let row0 = ((w % tiles) / tn) * ${ROWS}u;
  let c0 = ((w % tiles) % tn) * ${width}u + lid * 4u;
  let c1 = c0 + ${4 * lanes}u;
  let sam = params[7]; let sak = params[8]; let sbk = params[11]; let sbn = params[12];
  let bBase = params[9] + i32(bi) * params[10];
  // Rows past M read row M − 1 (one address for the whole workgroup still) and are not stored.
${rows.map((r) => `  let a${r} = params[5] + i32(bi) * params[6] + i32(min(row0 + ${r}u, M - 1u)) * sam;`).join("\n")}
${rows.map((r) => `  var p${r} = vec4<${t}>(); var q${r} = vec4<${t}>();`).join("\n")}
  for (var k = 0u; k < K; k++) {
    let at = bBase + i32(k) * sbk;
    ${loadB("b0", "c0")}
    ${loadB("b1", "c1")}
    let ak = i32(k) * sak;
${rows.map((r) => `    let x${r} = A[u32(a${r} + ak)]; p${r} += x${r} * b0; q${r} += x${r} * b1;`).join("\n")}
  }
  let ps = array<vec4<${t}>, ${ROWS}>(${rows.map((r) => `p${r}`).join(", ")});
  let qs = array<vec4<${t}>, ${ROWS}>(${rows.map((r) => `q${r}`).join(", ")});
  for (var r = 0u; r < ${ROWS}u; r++) {
    let row = row0 + r;
    if (row >= M) { break; }
    let o = (bi * M + row) * N;
    for (var j = 0u; j < 4u; j++) {
      if (c0 + j < N) { out[o + c0 + j] = ps[r][j]; }
      if (c1 + j < N) { out[o + c1 + j] = qs[r][j]; }
    }
  }
}`;
  return { code, meta, buffers: [out, a.buffer, b.buffer], threads: groups * lanes, groups, workgroup: lanes };
}
