/**
 * The wasm backend's matrix products: which kernel takes a product (packed GEMM, inner products,
 * rowsGemm for a short side, colsGemm for a small A against a long B) and how it splits over the
 * thread pool. Every output element is computed as on one thread, whatever the split.
 */
import type { Storage, View } from "../backend.js";
import type { WasmBackend } from "./index.js";
import type { Kernels } from "./module.js";
import type { WasmStorage } from "./storage.js";
import type { ThreadPool } from "./threads.js";

/**
 * Multiply-adds below which a GEMM stays on the calling thread (4M: about 160 µs on one). The pool's
 * workers spin between kernels (threads.ts), so a split costs a few µs; measured on 2 cores, the
 * seed MLP's layers at batch 64 (6.4M) and the LSTM step's projections (7.9M) run faster split. At
 * 2M the MLP's layers at batch 32 (3.2M) were split too, and its step ran 20–35% slower on 2
 * threads than on one: the other core's half of a layer's output is then read back by the
 * single-threaded kernels that follow (bias, ReLU, Adam) from that core's cache.
 */
export const PARALLEL_GEMM_MACS = 1 << 22;

/**
 * Outputs per matrix up to which a one-thread GEMM whose operands are both contiguous along K runs
 * as dot products (wasm/dot.ts) rather than packing B's transposed panels: measured faster or level
 * on every such shape tried, from 6×9 (a conv weight gradient) to 256×512 (K = 784).
 */
const DOT_MAX_OUTPUTS = 1 << 17;
/**
 * Or any number of rows when B is this narrow (distances to a few centres, a final projection):
 * packing the whole of A into panels for 16 output columns costs more than reading each row once
 * against all of B, which stays in L1.
 */
const DOT_MAX_COLUMNS = 16;

/**
 * A product with a short side (K or N up to this) and a B of at most ROWS_MAX_B floats (16 KiB,
 * half of L1) runs as rowsGemm (wasm/rows-gemm.ts): A's rows read in place against all of B, without
 * packing A into panels, which for one to four column panels or a short K costs as much as the
 * product (an LSTM's input projection and its gradients: 30 → 45 GFLOP/s).
 */
const ROWS_SHORT_SIDE = 32;
const ROWS_MAX_B = 1 << 12;

/**
 * A one-matrix product with a K this long and at most 2K outputs (a convolution's weight gradient:
 * [O, N·L]·[N·L, C·kh·kw], K = 7744 in the seed CNN's second layer; a recurrent layer's,
 * Σₜ dgatesₜᵀ·hₜ, K = T·N = 3840 in the seed LSTM) is cut along K into up to K_PARTS parts of at
 * least K_PART_MIN, computed as the batches of one sgemmDot or sgemm call and summed in part order.
 * The parts depend on the shape alone, so the result does not depend on the thread count. Split
 * over threads, each reads only its parts of A and B (the images its share of im2col wrote) where
 * a split by rows read all of B, half from the other core's cache; on one thread, a part of B stays
 * in L2 across the row blocks that reread it. Measured: the CNN's conv2 weight gradient 379 → 330 µs
 * on one thread and 223 → 182 on two; the LSTM step 3.5% faster on two.
 */
const K_PARTS = 8;
const K_PART_MIN = 256;

/**
 * A product whose A has at most COLS_MAX_A floats (a convolution's weights against its im2col
 * columns: 6×9, 16×54) and a long B runs as colsGemm: B's column blocks read once each, A from L1.
 */
const COLS_MAX_A = 1 << 12;

/** A[b]·B[b] (+ a bias row, where given, added in the kernels' stores) on the backend's kernels and pool. */
export function product(w: WasmBackend, a: View, b: View, bias: View | null): Storage {
  // Indexed, not destructured: destructuring walks an iterator (garbage where unoptimised).
  const B = a.shape[0]!, M = a.shape[1]!, K = a.shape[2]!, N = b.shape[2]!;
  const sab = a.strides[0]!, sam = a.strides[1]!, sak = a.strides[2]!;
  const sbb = b.strides[0]!, sbk = b.strides[1]!, sbn = b.strides[2]!;
  const dot = sak === 1 && sbk === 1 && (M * N <= DOT_MAX_OUTPUTS || N <= DOT_MAX_COLUMNS) && K >= 16;
  const T = w.numThreads;
  // B k-major and contiguous as it is ([K, N] row-major), or transposed into a block (a weight Wᵀ).
  const rows = !dot && B === 1 && sak === 1 && N % 8 === 0 && (K <= ROWS_SHORT_SIDE || N <= ROWS_SHORT_SIDE) && K * N <= ROWS_MAX_B && (sbn === 1 ? sbk === N : sbk === 1 && sbn === K);
  // A contiguous along K, or its transpose stored whole (Wᵀ in a convolution's input gradient), copied once.
  const aRows = sak === 1 || (sam === 1 && sak === M && (B === 1 || sab === 0));
  const cols = !dot && !bias && aRows && sbn === 1 && M * K <= COLS_MAX_A && N >= 64;
  // A long K against few outputs (a weight gradient over a batch or a sequence): parts of K.
  const kSplit = !rows && !cols && B === 1 && !bias && K >= 2 * K_PART_MIN && M * N <= 2 * K;
  // A batch also splits when its operands are as large as a split elementwise op's: a convolution
  // over a batch of images reads columns that im2col (split by images) just wrote, and on one
  // thread it would read the other core's half from that core's cache (measured: the seed CNN's
  // first layer, 2.3M multiply-adds, took 450 µs on 2 threads unsplit against 310 on one; 220 split).
  const split = T > 1 && (B > 1 ? B * M * N * K >= PARALLEL_GEMM_MACS || w.splits(B * (M * K + K * N)) : (M >= 8 || kSplit) && M * N * K >= PARALLEL_GEMM_MACS);
  // Everything is allocated (the pool's scratch, the output) before taking addresses: an
  // allocation may collect garbage, and only what is used after it is sure to be alive.
  const pool = split ? w.workers() : null;
  const out = w.allocate("float32", B * M * N);
  const [pa, pb, pc, pbias] = [w.addr(a), w.addr(b), out.ptr, bias ? w.addr(bias) : 0];
  // Work [b0, b0 + nb) × rows [i0, i0 + m): the whole product, or one thread's share of it.
  const part = (b0: number, nb: number, i0: number, m: number, t: number) => {
    const [a0, b1, c0] = [pa + 4 * (b0 * sab + i0 * sam), pb + 4 * b0 * sbb, pc + 4 * (b0 * M + i0) * N];
    return dot ? [nb, m, N, K, a0, sab, sam, b1, sbb, sbn, c0, pbias] : [nb, m, N, K, a0, sab, sam, sak, b1, sbb, sbk, sbn, c0, w.scratch[t]!, pbias];
  };
  if (rows) return rowsProduct(w, pa, sam, pb, sbn !== 1, M, N, K, out, pool, pbias);
  if (cols) return colsProduct(w, B, M, N, K, pa, sak === 1 ? sab : 0, sak === 1 ? sam : 0, pb, sbb, sbk, out, pool);
  if (kSplit) return kSplitProduct(w, dot, pa, sam, sak, pb, sbk, sbn, M, N, K, out, pool);
  const kernel = dot ? "sgemmDot" : "sgemm";
  if (!pool) {
    (w.k[kernel] as (...args: number[]) => void)(...part(0, B, 0, M, 0));
    return out;
  }
  // Split the batch when there is one, else the rows (in whole 4-row tiles); each output element
  // is computed as on one thread, so the result does not depend on the thread count.
  if (B > 1) runSplit(w, pool, kernel, B, 1, (at, n, t) => part(at, n, 0, M, t));
  else runSplit(w, pool, kernel, M, 4, (at, n, t) => part(0, 1, at, n, t));
  return out;
}

/**
 * Runs a kernel over [0, total) split into one range per thread, each a whole number of `unit`s
 * (the last one shorter); share(at, n, t) lays out the call for range [at, at + n) on thread t.
 */
function runSplit(w: WasmBackend, pool: ThreadPool, kernel: "sgemm" | "sgemmDot" | "rowsGemm" | "colsGemm", total: number, unit: number, share: (at: number, n: number, t: number) => number[]): void {
  const per = Math.ceil(total / w.numThreads / unit) * unit;
  const shares: number[][] = [];
  for (let at = 0; at < total; at += per) shares.push(share(at, Math.min(per, total - at), shares.length));
  pool.run(kernel, shares, w.k[kernel] as (...args: number[]) => void);
}

/** C[M, N] = A·B over parts of K (see K_PARTS), by sgemmDot or sgemm: A[i, k] at pa + (i·sam + k·sak)·4, B[k, j] at pb + (k·sbk + j·sbn)·4. */
function kSplitProduct(w: WasmBackend, dot: boolean, pa: number, sam: number, sak: number, pb: number, sbk: number, sbn: number, M: number, N: number, K: number, out: WasmStorage, pool: ThreadPool | null): Storage {
  const P = Math.min(K_PARTS, Math.floor(K / K_PART_MIN));
  const Kp = Math.floor(K / P);
  const rest = K - P * Kp; // fewer than P: one more block
  const blocks = P + (rest > 0 ? 1 : 0);
  const bytes = 4 * blocks * M * N;
  const parts = w.heap.alloc(bytes);
  // Parts p0 … p0 + n − 1 of length k from part p0 on, as the batches of one call (on thread t).
  const share = (p0: number, n: number, k: number, t: number) => {
    const [a0, b0, c0] = [pa + 4 * p0 * Kp * sak, pb + 4 * p0 * Kp * sbk, parts + 4 * p0 * M * N];
    return dot ? [n, M, N, k, a0, Kp, sam, b0, Kp, sbn, c0, 0] : [n, M, N, k, a0, Kp * sak, sam, sak, b0, Kp * sbk, sbk, sbn, c0, w.scratch[t]!, 0];
  };
  const kernel = dot ? "sgemmDot" : "sgemm";
  const run = w.k[kernel] as (...args: number[]) => void;
  if (!pool) run(...share(0, P, Kp, 0));
  else runSplit(w, pool, kernel, P, 1, (p0, n, t) => share(p0, n, Kp, t));
  if (rest > 0) run(...share(P, 1, rest, 0));
  w.k.sumBlocks(parts, blocks, M * N, out.ptr);
  w.heap.release(parts, bytes);
  return out;
}

/** C[M, N] = A·B (+ the bias row at `bias`, 0: none) by rowsGemm: A's rows at stride lda, B [K, N] k-major (or its transpose [N, K] when transposed). */
function rowsProduct(w: WasmBackend, pa: number, lda: number, pb: number, transposed: boolean, M: number, N: number, K: number, out: WasmStorage, pool: ThreadPool | null, bias: number): Storage {
  const bytes = transposed ? 4 * K * N : 0;
  const b = transposed ? w.heap.alloc(bytes) : pb;
  if (transposed) w.k.transposeInto(pb, N, K, b);
  const share = (i0: number, m: number) => [pa + 4 * i0 * lda, lda, b, K, N, m, bias, 0, out.ptr + 4 * i0 * N, N];
  if (!pool) w.k.rowsGemm(...(share(0, M) as Parameters<Kernels["rowsGemm"]>));
  else runSplit(w, pool, "rowsGemm", M, 4, share);
  if (transposed) w.heap.release(b, bytes);
  return out;
}

/**
 * C[b] = A[b]·B[b] by colsGemm, split over the pool by batch, else by 8-column blocks. lda = 0: A
 * is one [M, K] stored transposed at pa, copied into a block first.
 */
function colsProduct(w: WasmBackend, B: number, M: number, N: number, K: number, pa: number, sab: number, lda: number, pb: number, sbb: number, ldb: number, out: WasmStorage, pool: ThreadPool | null): Storage {
  const transposed = lda === 0;
  const bytes = transposed ? 4 * M * K : 0;
  if (transposed) {
    const a = w.heap.alloc(bytes);
    w.k.transposeInto(pa, K, M, a);
    colsProduct(w, B, M, N, K, a, 0, K, pb, sbb, ldb, out, pool);
    w.heap.release(a, bytes);
    return out;
  }
  const pc = out.ptr;
  const share = (b0: number, nb: number, j0: number, n: number, t: number) =>
    [nb, M, n, K, pa + 4 * b0 * sab, sab, lda, pb + 4 * (b0 * sbb + j0), sbb, ldb, pc + 4 * (b0 * M * N + j0), M * N, N, w.scratch[t]!];
  if (!pool) {
    w.k.colsGemm(...(share(0, B, 0, N, 0) as Parameters<Kernels["colsGemm"]>));
    return out;
  }
  if (B > 1) runSplit(w, pool, "colsGemm", B, 1, (b0, nb, t) => share(b0, nb, 0, N, t));
  else runSplit(w, pool, "colsGemm", N, 8, (j0, n, t) => share(0, 1, j0, n, t));
  return out;
}
