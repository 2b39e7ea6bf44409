/**
 * The symmetric eigendecomposition and the thin SVD on the GPU, a workgroup per matrix, in float32,
 * by the Jacobi methods the CPU runs in float64 (ops/linalg/host-decompositions.ts), made parallel:
 * each sweep visits every pair (p, q) once, in n − 1 rounds of ⌈n/2⌉ disjoint pairs (the round-robin
 * order of Brent and Luk), so a round's rotations touch disjoint rows and columns and run at once.
 *
 * - eigh: two-sided rotations, each zeroing A[p, q], accumulated into V.
 * - svd (m ≥ n): one-sided (Hestenes) rotations of A's columns until they are orthogonal; their
 *   norms are the singular values, the normalised columns U, the accumulated rotations V.
 *
 * The caller scales each matrix so that its largest entry has magnitude in [½, 1) (a power of two,
 * exact), so that no sum of squares overflows or underflows in float32. Sweeps stop when a whole
 * sweep rotated nothing. The outputs follow the CPU's conventions: eigenvalues ascending, singular
 * values descending, each eigenvector's (each right singular vector's) largest component positive,
 * and U's columns for zero singular values completed to an orthonormal set.
 */
import { META, NAN_HELPERS, binding } from "./wgsl.js";
import type { MapKernel } from "./elementwise.js";
import type { Flat } from "./fused.js";

const LANES = 64;
/** A sweep cap that float32 convergence never reaches (quadratic convergence takes 6–10). */
const MAX_SWEEPS = 40;
/** Rotations below this relative size are rounding noise in float32. */
const TOLERANCE = "1.2e-7";

export type MatrixKernel = MapKernel & { groups: number; workgroup: number };

/** The round-robin pairing: slot k of round r among m (even) players, as [p, q] with p < q. */
const PAIRING = `
fn pairOf(r: u32, k: u32, m: u32) -> vec2u {
  var p = m - 1u;
  var q = r;
  if (k > 0u) {
    p = (r + k) % (m - 1u);
    q = (r + m - 1u - k) % (m - 1u);
  }
  return vec2u(min(p, q), max(p, q));
}
// NaN sorts as +∞, ties by position, so that ranks are a permutation whatever the values.
fn key(x: f32) -> f32 { return select(x, infF(), isNan(x)); }
// The rotation (c, s) that diagonalises [[d1, off], [off, d2]] (Golub and Van Loan's symmetric
// Schur rotation): for eigh the pivot block, for svd the columns' Gram block. (1, 0), no rotation,
// where off is rounding noise beside the diagonal.
fn rotation(d1: f32, d2: f32, off: f32) -> vec2f {
  if (!(abs(off) > ${TOLERANCE} * sqrt(abs(d1) * abs(d2)) && abs(off) > 1e-30)) { return vec2f(1.0, 0.0); }
  let tau = (d2 - d1) / (2.0 * off);
  let t = select(-1.0, 1.0, tau >= 0.0) / (abs(tau) + sqrt(1.0 + tau * tau));
  let c = inverseSqrt(1.0 + t * t);
  return vec2f(c, t * c);
}`;

/** Whether any thread of the workgroup rotated in the sweep (a reduction of each thread's flag). */
const ANY_ROTATED = `
var<workgroup> flags: array<u32, ${LANES}>;
var<workgroup> anyRotated: u32;
fn sweepRotated(mine: bool, lid: u32) -> bool {
  flags[lid] = select(0u, 1u, mine);
  workgroupBarrier();
  if (lid == 0u) {
    var any = 0u;
    for (var t = 0u; t < ${LANES}u; t++) { any |= flags[t]; }
    anyRotated = any;
  }
  return workgroupUniformLoad(&anyRotated) != 0u;
}`;

function frame(buffers: readonly { name: string; write: boolean }[], body: string[]): string {
  return [
    META,
    ...buffers.map((b, k) => binding(k + 1, b.name, "float32", b.write)),
    NAN_HELPERS,
    PAIRING,
    ANY_ROTATED,
    `@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let mat = wid.x + wid.y * nwg.x;
  // workgroup_id is uniform, so a surplus workgroup of the 2-D grid may leave before the barriers.
  if (mat >= u32(params[0])) { return; }`,
    ...body,
    "}",
  ].join("\n");
}

/**
 * Eigenpairs of B symmetric n×n matrices (their lower triangles read, as LAPACK's UPLO = 'L') →
 * values [B, n] ascending and vectors [B, n, n] (columns). work holds B·(2n² + n + 1) floats.
 */
export function eighKernel(B: number, n: number, a: Flat, work: Flat, values: Flat, vectors: Flat): MatrixKernel {
  const code = frame(
    [{ name: "a", write: false }, { name: "work", write: true }, { name: "values", write: true }, { name: "vectors", write: true }],
    [
      `  let n = u32(params[1]);
  let nn = n * n;
  let a0 = u32(params[2]) + mat * nn;
  let w0 = u32(params[3]) + mat * (2u * nn + n + 1u); // the rotated A
  let v0 = w0 + nn; // the accumulated rotations V
  let r0 = v0 + nn; // a round's (c, s) per pair
  for (var e = lid; e < nn; e += ${LANES}u) {
    let i = e / n;
    let j = e % n;
    work[w0 + e] = a[a0 + max(i, j) * n + min(i, j)];
    work[v0 + e] = select(0.0, 1.0, i == j);
  }
  let m = n + (n & 1u);
  let pairs = m / 2u;
  storageBarrier();
  for (var sweep = 0u; sweep < ${MAX_SWEEPS}u; sweep++) {
    var rotated = false;
    for (var r = 0u; r + 1u < m; r++) {
      for (var k = lid; k < pairs; k += ${LANES}u) {
        let pq = pairOf(r, k, m);
        var cs = vec2f(1.0, 0.0);
        if (pq.y < n) { // the rotation that zeroes A[p, q]
          cs = rotation(work[w0 + pq.x * n + pq.x], work[w0 + pq.y * n + pq.y], work[w0 + pq.x * n + pq.y]);
          rotated = rotated || cs.y != 0.0;
        }
        work[r0 + 2u * k] = cs.x;
        work[r0 + 2u * k + 1u] = cs.y;
      }
      storageBarrier();
      for (var e = lid; e < pairs * n; e += ${LANES}u) { // rows p and q: Jᵀ·A
        let k = e / n;
        let j = e % n;
        let s = work[r0 + 2u * k + 1u];
        if (s != 0.0) {
          let c = work[r0 + 2u * k];
          let pq = pairOf(r, k, m);
          let x = work[w0 + pq.x * n + j];
          let y = work[w0 + pq.y * n + j];
          work[w0 + pq.x * n + j] = c * x - s * y;
          work[w0 + pq.y * n + j] = s * x + c * y;
        }
      }
      storageBarrier();
      for (var e = lid; e < pairs * n; e += ${LANES}u) { // columns p and q: (Jᵀ·A)·J and V·J
        let k = e / n;
        let i = e % n;
        let s = work[r0 + 2u * k + 1u];
        if (s != 0.0) {
          let c = work[r0 + 2u * k];
          let pq = pairOf(r, k, m);
          let x = work[w0 + i * n + pq.x];
          let y = work[w0 + i * n + pq.y];
          work[w0 + i * n + pq.x] = c * x - s * y;
          work[w0 + i * n + pq.y] = s * x + c * y;
          let vx = work[v0 + i * n + pq.x];
          let vy = work[v0 + i * n + pq.y];
          work[v0 + i * n + pq.x] = c * vx - s * vy;
          work[v0 + i * n + pq.y] = s * vx + c * vy;
        }
      }
      storageBarrier();
      for (var k = lid; k < pairs; k += ${LANES}u) { // the zeroed pair exactly, not its rounding
        if (work[r0 + 2u * k + 1u] != 0.0) {
          let pq = pairOf(r, k, m);
          work[w0 + pq.x * n + pq.y] = 0.0;
          work[w0 + pq.y * n + pq.x] = 0.0;
        }
      }
      storageBarrier();
    }
    if (!sweepRotated(rotated, lid)) { break; }
  }
  storageBarrier();
  for (var j = lid; j < n; j += ${LANES}u) {
    let d = work[w0 + j * n + j];
    var rank = 0u;
    var big = 0.0;
    for (var i = 0u; i < n; i++) {
      let di = work[w0 + i * n + i];
      if (key(di) < key(d) || (key(di) == key(d) && i < j)) { rank++; }
      let v = work[v0 + i * n + j];
      if (abs(v) > abs(big)) { big = v; }
    }
    let sign = select(1.0, -1.0, big < 0.0);
    values[u32(params[4]) + mat * n + rank] = d;
    for (var i = 0u; i < n; i++) { vectors[u32(params[5]) + mat * nn + i * n + rank] = sign * work[v0 + i * n + j]; }
  }`,
    ],
  );
  return { code, meta: [B, n, a.offset, work.offset, values.offset, vectors.offset], buffers: [a.buffer, work.buffer, values.buffer, vectors.buffer], threads: B * LANES, groups: B, workgroup: LANES };
}

/** The floats eighKernel's work buffer takes. */
export const eighWorkSize = (B: number, n: number) => B * (2 * n * n + n + 1);

/**
 * The thin SVD of B matrices m×n with m ≥ n → u [B, m, n], s [B, n] descending, v [B, n, n] (V,
 * not Vᵀ). work holds B·(m·n + n² + 2n + 1) floats.
 */
export function svdKernel(B: number, m: number, n: number, a: Flat, work: Flat, u: Flat, s: Flat, v: Flat): MatrixKernel {
  const code = frame(
    [{ name: "a", write: false }, { name: "work", write: true }, { name: "u", write: true }, { name: "s", write: true }, { name: "v", write: true }],
    [
      `  let rows = u32(params[1]);
  let n = u32(params[2]);
  let mn = rows * n;
  let a0 = u32(params[3]) + mat * mn;
  let w0 = u32(params[4]) + mat * (mn + n * n + 2u * n + 1u); // the rotated A
  let v0 = w0 + mn; // the accumulated rotations V
  let norm0 = v0 + n * n; // the columns' norms
  let r0 = norm0 + n; // a round's (c, s) per pair
  let u0 = u32(params[5]) + mat * mn;
  let s0 = u32(params[6]) + mat * n;
  let vo = u32(params[7]) + mat * n * n;
  for (var e = lid; e < mn; e += ${LANES}u) { work[w0 + e] = a[a0 + e]; }
  for (var e = lid; e < n * n; e += ${LANES}u) { work[v0 + e] = select(0.0, 1.0, e / n == e % n); }
  let m = n + (n & 1u);
  let pairs = m / 2u;
  storageBarrier();
  for (var sweep = 0u; sweep < ${MAX_SWEEPS}u; sweep++) {
    var rotated = false;
    for (var r = 0u; r + 1u < m; r++) {
      for (var k = lid; k < pairs; k += ${LANES}u) {
        let pq = pairOf(r, k, m);
        var cs = vec2f(1.0, 0.0);
        if (pq.y < n) { // the rotation that makes columns p and q orthogonal
          var alpha = 0.0;
          var beta = 0.0;
          var gamma = 0.0;
          for (var i = 0u; i < rows; i++) {
            let x = work[w0 + i * n + pq.x];
            let y = work[w0 + i * n + pq.y];
            alpha += x * x;
            beta += y * y;
            gamma += x * y;
          }
          cs = rotation(alpha, beta, gamma);
          rotated = rotated || cs.y != 0.0;
        }
        work[r0 + 2u * k] = cs.x;
        work[r0 + 2u * k + 1u] = cs.y;
      }
      storageBarrier();
      for (var e = lid; e < pairs * (rows + n); e += ${LANES}u) { // columns p and q of A and of V
        let k = e / (rows + n);
        let i = e % (rows + n);
        let sn = work[r0 + 2u * k + 1u];
        if (sn != 0.0) {
          let c = work[r0 + 2u * k];
          let pq = pairOf(r, k, m);
          let at = select(w0 + i * n, v0 + (i - rows) * n, i >= rows);
          let x = work[at + pq.x];
          let y = work[at + pq.y];
          work[at + pq.x] = c * x - sn * y;
          work[at + pq.y] = sn * x + c * y;
        }
      }
      storageBarrier();
    }
    if (!sweepRotated(rotated, lid)) { break; }
  }
  for (var j = lid; j < n; j += ${LANES}u) { // each norm scaled by the column's largest entry
    var big = 0.0;
    var nan = false;
    for (var i = 0u; i < rows; i++) { let x = work[w0 + i * n + j]; big = max(big, abs(x)); nan = nan || isNan(x); }
    var sum = 0.0;
    if (big > 0.0) { for (var i = 0u; i < rows; i++) { let x = work[w0 + i * n + j] / big; sum += x * x; } }
    work[norm0 + j] = select(big * sqrt(sum), nanF(), nan);
  }
  storageBarrier();
  for (var j = lid; j < n; j += ${LANES}u) {
    let sigma = work[norm0 + j];
    var rank = 0u;
    var largest = 0.0;
    for (var i = 0u; i < n; i++) {
      let si = work[norm0 + i];
      if (key(si) > key(sigma) || (key(si) == key(sigma) && i < j)) { rank++; }
      largest = max(largest, si);
    }
    var big = 0.0;
    for (var i = 0u; i < n; i++) { let x = work[v0 + i * n + j]; if (abs(x) > abs(big)) { big = x; } }
    let sign = select(1.0, -1.0, big < 0.0);
    s[s0 + rank] = sigma;
    for (var i = 0u; i < n; i++) { v[vo + i * n + rank] = sign * work[v0 + i * n + j]; }
    let live = sigma > largest * 1e-30;
    for (var i = 0u; i < rows; i++) { u[u0 + i * n + rank] = select(0.0, sign * work[w0 + i * n + j] / sigma, live); }
  }
  storageBarrier();
  // Columns of U for zero singular values (the last ones): the unit vector eₑ farthest from the
  // columns before, orthogonalised against them twice. Rare, so one thread does it.
  if (lid == 0u) {
    let largest = s[s0];
    for (var j = 0u; j < n; j++) {
      if (s[s0 + j] > largest * 1e-30) { continue; }
      var best = 0u;
      var bestNorm = -1.0;
      for (var e = 0u; e < rows; e++) {
        var left = 1.0;
        for (var i = 0u; i < j; i++) { left -= u[u0 + e * n + i] * u[u0 + e * n + i]; }
        if (left > bestNorm) { bestNorm = left; best = e; }
      }
      for (var i = 0u; i < rows; i++) { u[u0 + i * n + j] = select(0.0, 1.0, i == best); }
      for (var twice = 0; twice < 2; twice++) {
        for (var i = 0u; i < j; i++) {
          var dot = 0.0;
          for (var r = 0u; r < rows; r++) { dot += u[u0 + r * n + i] * u[u0 + r * n + j]; }
          for (var r = 0u; r < rows; r++) { u[u0 + r * n + j] -= dot * u[u0 + r * n + i]; }
        }
      }
      var norm = 0.0;
      for (var r = 0u; r < rows; r++) { norm += u[u0 + r * n + j] * u[u0 + r * n + j]; }
      let scale = inverseSqrt(norm);
      for (var r = 0u; r < rows; r++) { u[u0 + r * n + j] *= scale; }
    }
  }`,
    ],
  );
  return { code, meta: [B, m, n, a.offset, work.offset, u.offset, s.offset, v.offset], buffers: [a.buffer, work.buffer, u.buffer, s.buffer, v.buffer], threads: B * LANES, groups: B, workgroup: LANES };
}

/** The floats svdKernel's work buffer takes. */
export const svdWorkSize = (B: number, m: number, n: number) => B * (m * n + n * n + 2 * n + 1);
