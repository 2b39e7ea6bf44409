/**
 * Batched matmul [B,M,K]·[B,K,N] → [B,M,N] over strided operands (a transpose, a broadcast batch:
 * just strides), tiled: a workgroup of 16×16 threads computes a 128×128 block of the output, each
 * thread an 8×8 register block (two groups of four rows, 64 apart, times two vec4s of columns, 64
 * apart), stepping through K in slices of 16 staged in workgroup memory as vec4s (a thread's four
 * rows of A in one, four columns of B in one), so that four loads feed sixteen vec4 products.
 *
 * Operands contiguous along their inner dim, with rows starting on 4-element boundaries, are read
 * from global memory as vec4s too: one load in place of four bounds-checked strided scalar loads.
 *
 * With `scales` (matmul-scales.ts) it multiplies in half precision: the staged slices are scaled
 * float16, a slice's 16 products are summed in float16, and the slices in float32.
 */
import { META, WGSL_TYPE, binding, prologue, type GpuDType } from "./wgsl.js";
import type { MapKernel, Operand } from "./elementwise.js";

const TILE_M = 128;
const TILE_N = 128;
const SLICE = 16;

/** Contiguous along the inner dim (of length `inner`), rows and batches 4-aligned: readable as vec4s. */
const vec4Rows = (o: Operand, inner: number) => o.strides[2] === 1 && inner % 4 === 0 && o.offset % 4 === 0 && o.strides[0]! % 4 === 0 && o.strides[1]! % 4 === 0;

/** The 16 accumulators: rows ty·4 + i in acc_i (columns tx·4…) and acc_i_ (64 columns further); acc4…7 the rows 64 below. */
const ACC_NAMES = ["acc0", "acc1", "acc2", "acc3", "acc0_", "acc1_", "acc2_", "acc3_", "acc4", "acc5", "acc6", "acc7", "acc4_", "acc5_", "acc6_", "acc7_"];

/** One step of K's 64 multiply-adds into the accumulators named with `prefix`: a (c) holds four rows, b (b_) four columns. */
function products(prefix: string): string {
  const [p0, p1, p2, p3, q0, q1, q2, q3, r0, r1, r2, r3, s0, s1, s2, s3] = ACC_NAMES.map((n) => prefix + n);
  return `      ${p0} += a.x * b; ${p1} += a.y * b; ${p2} += a.z * b; ${p3} += a.w * b;
      ${q0} += a.x * b_; ${q1} += a.y * b_; ${q2} += a.z * b_; ${q3} += a.w * b_;
      ${r0} += c.x * b; ${r1} += c.y * b; ${r2} += c.z * b; ${r3} += c.w * b;
      ${s0} += c.x * b_; ${s1} += c.y * b_; ${s2} += c.z * b_; ${s3} += c.w * b_;`;
}

export function matmulKernel(
  a: Operand,
  b: Operand,
  shape: { B: number; M: number; K: number; N: number },
  out: GPUBuffer,
  scales?: GPUBuffer,
): MapKernel & { groups: number; workgroup: number } {
  const { B, M, K, N } = shape;
  const tm = Math.ceil(M / TILE_M);
  const tn = Math.ceil(N / TILE_N);
  const groups = B * tm * tn;
  const meta = [groups, M, K, N, tn, a.offset, ...a.strides, b.offset, ...b.strides, B * M];
  const t = WGSL_TYPE[a.dtype as GpuDType];
  // Staged (and multiplied) as th; with scales, a row of A is scaled as it is read, and B's four columns.
  const th = scales ? "f16" : t;
  const rowScale = (m: string) => (scales ? ` * scales[u32(bi) * M + ${m}]` : "");
  const colScales = scales ? `\n      vb *= vec4<f32>(scales[cb + n], scales[cb + min(n + 1u, N - 1u)], scales[cb + min(n + 2u, N - 1u)], scales[cb + min(n + 3u, N - 1u)]);` : "";
  const [vecA, vecB] = [vec4Rows(a, K), vec4Rows(b, N)];
  const vecBinding = (i: number, name: string) => `@group(0) @binding(${i}) var<storage, read> ${name}: array<vec4<${t}>>;`;
  // A's slice: [k][m / 4] vec4s (32 a row), element (k, m) in lane m % 4.
  const loadA = vecA
    ? `    for (var s = 0u; s < 2u; s++) {
      let e = lid + 256u * s;
      let m = e / 4u; let kq = (e % 4u) * 4u;
      var va = vec4<${t}>();
      if (row0 + m < M && k0 + kq < K) { va = A[u32(aBase + i32(row0 + m) * sam + i32(k0 + kq)) / 4u]${rowScale("row0 + m")}; }
      let q = m / 4u; let c = m % 4u;
      As[kq * 32u + q][c] = ${th}(va.x); As[(kq + 1u) * 32u + q][c] = ${th}(va.y); As[(kq + 2u) * 32u + q][c] = ${th}(va.z); As[(kq + 3u) * 32u + q][c] = ${th}(va.w);
    }`
    : `    for (var s = 0u; s < 8u; s++) {
      let e = lid + 256u * s;
      let m = e / ${SLICE}u; let ka = e % ${SLICE}u;
      var va = ${t}(0);
      if (row0 + m < M && k0 + ka < K) { va = A[u32(aBase + i32(row0 + m) * sam + i32(k0 + ka) * sak)]${rowScale("row0 + m")}; }
      As[ka * 32u + m / 4u][m % 4u] = ${th}(va);
    }`;
  // B's slice: [k][n / 4] vec4s.
  const loadB = `    for (var s = 0u; s < 2u; s++) {
      let e = lid + 256u * s;
      let kb = e / 32u; let n = col0 + (e % 32u) * 4u;
      var vb = vec4<${t}>();
      ${
        vecB
          ? `if (k0 + kb < K && n < N) { vb = Bm[u32(bBase + i32(k0 + kb) * sbk + i32(n)) / 4u]; }`
          : `if (k0 + kb < K) {
        let at = bBase + i32(k0 + kb) * sbk;
        if (n < N) { vb.x = Bm[u32(at + i32(n) * sbn)]; }
        if (n + 1u < N) { vb.y = Bm[u32(at + i32(n + 1u) * sbn)]; }
        if (n + 2u < N) { vb.z = Bm[u32(at + i32(n + 2u) * sbn)]; }
        if (n + 3u < N) { vb.w = Bm[u32(at + i32(n + 3u) * sbn)]; }
      }`
      }${colScales}
      Bs[e] = vec4<${th}>(vb);
    }`;
  const code = `${scales ? "enable f16;\n" : ""}${META}
${binding(1, "out", a.dtype, true)}
${vecA ? vecBinding(2, "A") : binding(2, "A", a.dtype, false)}
${vecB ? vecBinding(3, "Bm") : binding(3, "Bm", b.dtype, false)}
${scales ? `${binding(4, "scales", "float32", false)}\n` : ""}var<workgroup> As: array<vec4<${th}>, ${(SLICE * TILE_M) / 4}>;
var<workgroup> Bs: array<vec4<${th}>, ${(SLICE * TILE_N) / 4}>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let w = wid.x + wid.y * nwg.x;
  if (w >= u32(params[0])) { return; }
  let M = u32(params[1]); let K = u32(params[2]); let N = u32(params[3]); let tn = u32(params[4]);
  let tiles = ((M + ${TILE_M - 1}u) / ${TILE_M}u) * tn;
  let bi = i32(w / tiles);
  let r = w % tiles;
  let row0 = (r / tn) * ${TILE_M}u;
  let col0 = (r % tn) * ${TILE_N}u;
  let aBase = params[5] + bi * params[6];
  let bBase = params[9] + bi * params[10];
  // Strides as lets: a storage read after a barrier would be repeated every slice.
  let sam = params[7]; let sak = params[8]; let sbk = params[11]; let sbn = params[12];
  let cb = u32(params[13]) + u32(bi) * N; // where this batch's column scales start
  let tx = lid % 16u;
  let ty = lid / 16u;
${ACC_NAMES.map((n) => `  var ${n} = vec4<${t}>();`).join("\n")}
  for (var k0 = 0u; k0 < K; k0 += ${SLICE}u) {
${loadA}
${loadB}
    workgroupBarrier();
${scales ? ACC_NAMES.map((n) => `    var h${n} = vec4<f16>();`).join("\n") : ""}
    for (var kk = 0u; kk < ${SLICE}u; kk++) {
      let a = As[kk * 32u + ty];
      let c = As[kk * 32u + 16u + ty];
      let b = Bs[kk * 32u + tx];
      let b_ = Bs[kk * 32u + 16u + tx];
${products(scales ? "h" : "")}
    }
${scales ? ACC_NAMES.map((n) => `    ${n} += vec4<f32>(h${n});`).join("\n") : ""}
    workgroupBarrier();
  }
  let rows = array<vec4<${t}>, 16>(${ACC_NAMES.join(", ")});
  for (var v = 0u; v < 8u; v++) {
    let i = v % 4u + 8u * (v / 4u);
    let row = row0 + (v / 4u) * 64u + ty * 4u + v % 4u;
    if (row >= M) { continue; }
    let o = (u32(bi) * M + row) * N;${
      scales
        ? `
    // Undoing the scales 2^-ea (row) and 2^-eb (column) in one step, as 2^(ea + eb) could overflow where the product does not; frexp(2^-e).exp = 1 - e.
    let shift = 2 - frexp(scales[u32(bi) * M + row]).exp;`
        : ""
    }
    for (var h = 0u; h < 2u; h++) {
      let col = col0 + h * 64u + tx * 4u;
      for (var j = 0u; j < 4u; j++) {
        if (col + j < N) { out[o + col + j] = ${scales ? "ldexp(rows[i + 4u * h][j], shift - frexp(scales[cb + col + j]).exp)" : "rows[i + 4u * h][j]"}; }
      }
    }
  }
}`;
  return { code, meta, buffers: scales ? [out, a.buffer, b.buffer, scales] : [out, a.buffer, b.buffer], threads: groups * 256, groups, workgroup: 256 };
}

/** Outputs with fewer rows or columns than this take the direct kernel: a 128-wide tile would mostly idle. */
export const THIN = 32;

/**
 * How many slices of K a thin product's sum is split into, so that enough threads run when the
 * output is small and K long (a convolution's weight gradient: [6, 9] summed over 43,264 positions).
 */
export function kSplits(B: number, M: number, K: number, N: number): number {
  const threads = B * M * Math.ceil(N / 4);
  return Math.max(1, Math.min(Math.ceil(K / 64), Math.ceil(8192 / threads)));
}

/**
 * The direct kernel for thin products: a thread per four adjacent outputs of a row, summing its
 * share of K (slice s of `splits`) with strided loads; partial sums land at out[s, b, m, n] for a
 * reduction over s. Lanes past N read a clamped column and are not written.
 */
export function matmulDirectKernel(a: Operand, b: Operand, shape: { B: number; M: number; K: number; N: number }, splits: number, out: GPUBuffer): MapKernel {
  const { B, M, K, N } = shape;
  const nq = Math.ceil(N / 4);
  const threads = splits * B * M * nq;
  const chunk = Math.ceil(K / splits);
  const meta = [threads, M, K, N, B, chunk, a.offset, ...a.strides, b.offset, ...b.strides];
  const t = WGSL_TYPE[a.dtype as GpuDType];
  const code = `${META}
${binding(1, "out", a.dtype, true)}
${binding(2, "A", a.dtype, false)}
${binding(3, "Bm", b.dtype, false)}
${prologue()}
  let M = u32(params[1]); let K = u32(params[2]); let N = u32(params[3]); let B = u32(params[4]); let chunk = u32(params[5]);
  let sam = params[8]; let sak = params[9]; let sbk = params[12]; let sbn = params[13];
  let nq = (N + 3u) / 4u;
  let n = (i % nq) * 4u;
  let m = (i / nq) % M;
  let bi = (i / (nq * M)) % B;
  let s = i / (nq * M * B);
  let kBeg = s * chunk;
  let kEnd = min(K, kBeg + chunk);
  let aRow = params[6] + i32(bi) * params[7] + i32(m) * sam;
  let bRow = params[10] + i32(bi) * params[11];
  let c0 = i32(n) * sbn;
  let c1 = i32(min(n + 1u, N - 1u)) * sbn;
  let c2 = i32(min(n + 2u, N - 1u)) * sbn;
  let c3 = i32(min(n + 3u, N - 1u)) * sbn;
  var acc = vec4<${t}>();
  for (var k = kBeg; k < kEnd; k++) {
    let at = bRow + i32(k) * sbk;
    acc += A[u32(aRow + i32(k) * sak)] * vec4<${t}>(Bm[u32(at + c0)], Bm[u32(at + c1)], Bm[u32(at + c2)], Bm[u32(at + c3)]);
  }
  let o = ((s * B + bi) * M + m) * N + n;
  for (var j = 0u; j < 4u; j++) {
    if (n + j < N) { out[o + j] = acc[j]; }
  }
}`;
  return { code, meta, buffers: [out, a.buffer, b.buffer], threads };
}
