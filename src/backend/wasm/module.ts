/**
 * The wasm kernel module: the four builds tools/build-wasm.mjs embeds (plain or shared memory,
 * SIMD128 or relaxed SIMD), which of them this engine runs, and the types of their exports.
 */
import * as BUILDS from "./kernels.generated.js";
import { CAN_THREAD } from "./threads.js";

/** A byte address in the shared memory. */
export type Ptr = number;

/** The kernel module's exports (wasm/index.ts) as the backend calls them. */
export interface Kernels {
  GEMM_SCRATCH_BYTES: WebAssembly.Global;
  heapBase(): number;
  uniform(out: Ptr, n: number, seed: number, offset: number): void;
  normal(out: Ptr, n: number, seed: number, offset: number): void;
  dropout(x: Ptr, out: Ptr, keep: Ptr, n: number, p: number, scale: number, seed: number, offset: number, relu: number): void;
  dropoutBackward(g: Ptr, keep: Ptr, out: Ptr, n: number, scale: number): void;
  sgemm(batch: number, M: number, N: number, K: number, a: Ptr, sab: number, sam: number, sak: number, b: Ptr, sbb: number, sbk: number, sbn: number, c: Ptr, scratch: Ptr, bias: Ptr): void;
  sgemmDot(batch: number, M: number, N: number, K: number, a: Ptr, sab: number, sam: number, b: Ptr, sbb: number, sbn: number, c: Ptr, bias: Ptr): void;
  sumBlocks(parts: Ptr, count: number, len: number, out: Ptr): void;
  unary(op: number, x: Ptr, out: Ptr, ...space: number[]): void;
  binary(op: number, a: Ptr, b: Ptr, out: Ptr, ...space: number[]): void;
  where(cond: Ptr, a: Ptr, b: Ptr, out: Ptr, ...space: number[]): void;
  convert(srcType: number, src: Ptr, dstType: number, dst: Ptr, ...space: number[]): void;
  reduce(op: number, x: Ptr, out: Ptr, ...space: number[]): void;
  sumParts(x: Ptr, n: number, parts: number, p0: number, p1: number, out: Ptr): void;
  argReduce(op: number, x: Ptr, out: Ptr, ...space: number[]): void;
  gather(x: Ptr, index: Ptr, out: Ptr, size: number, sdim: number, ...space: number[]): number;
  scatterAdd(out: Ptr, index: Ptr, src: Ptr, size: number, sdim: number, lo: number, hi: number, ...space: number[]): number;
  scatterReduce(op: number, fresh: boolean, out: Ptr, index: Ptr, src: Ptr, size: number, sdim: number, ...space: number[]): number;
  adam(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean, maximize: boolean, stepSize: number, bc2Sqrt: number): void;
  sgd(p: Ptr, g: Ptr, buf: Ptr, n: number, lr: number, momentum: number, dampening: number, wd: number, nesterov: boolean, maximize: boolean, first: boolean): void;
  softmaxRows(x: Ptr, out: Ptr, R: number, C: number, log: boolean): void;
  gelu(x: Ptr, out: Ptr, n: number, tanhForm: boolean): void;
  geluBackward(x: Ptr, g: Ptr, dx: Ptr, n: number, tanhForm: boolean): void;
  layerNormRows(x: Ptr, out: Ptr, R: number, C: number, eps: number, w: Ptr, b: Ptr): void;
  layerNormRowsBackward(x: Ptr, g: Ptr, dx: Ptr, R: number, C: number, eps: number, w: Ptr, parts: Ptr): void;
  LAYER_NORM_PART_ROWS: WebAssembly.Global;
  sumPartsF64(parts: Ptr, count: number, stride: number, len: number, out: Ptr): void;
  softmaxRowsBackward(y: Ptr, g: Ptr, dx: Ptr, R: number, C: number, log: boolean): void;
  gruCell(xProj: Ptr, hProj: Ptr, h: Ptr, hNext: Ptr, act: Ptr, N: number, H: number): void;
  gruCellBackward(act: Ptr, hProj: Ptr, h: Ptr, dhNext: Ptr, dxProj: Ptr, dhProj: Ptr, dh: Ptr, N: number, H: number): void;
  lstmCell(gates: Ptr, c: Ptr, h: Ptr, cNext: Ptr, act: Ptr, N: number, H: number): void;
  lstmCellBackward(act: Ptr, c: Ptr, dh: Ptr, dcNext: Ptr, dgates: Ptr, dc: Ptr, N: number, H: number): void;
  transposeInto(src: Ptr, G: number, H: number, dst: Ptr): void;
  fill32(dst: Ptr, n: number, bits: number): void;
  colsGemm(batch: number, M: number, N: number, K: number, a: Ptr, sab: number, lda: number, b: Ptr, sbb: number, ldb: number, c: Ptr, scb: number, ldc: number, panel: Ptr): void;
  rowsGemm(a: Ptr, lda: number, b: Ptr, K: number, G: number, M: number, init: Ptr, ldi: number, c: Ptr, ldc: number): void;
  rnnSequence(xProj: Ptr, h0: Ptr, wT: Ptr, mask: Ptr, hs: Ptr, T: number, N: number, H: number, reverse: number, relu: number, n0: number, n1: number): void;
  rnnSequenceBackward(hs: Ptr, w: Ptr, mask: Ptr, dh: Ptr, dxProj: Ptr, T: number, N: number, H: number, reverse: number, relu: number, n0: number, n1: number): void;
  gruSequence(xProj: Ptr, h0: Ptr, wT: Ptr, bHh: Ptr, mask: Ptr, hs: Ptr, act: Ptr, T: number, N: number, H: number, reverse: number, n0: number, n1: number): void;
  gruSequenceBackward(act: Ptr, hs: Ptr, w: Ptr, mask: Ptr, dh: Ptr, dxProj: Ptr, dhProj: Ptr, T: number, N: number, H: number, reverse: number, n0: number, n1: number): void;
  lstmSequence(proj: Ptr, h0: Ptr, c0: Ptr, wT: Ptr, mask: Ptr, hs: Ptr, cs: Ptr, act: Ptr, T: number, N: number, H: number, reverse: number, n0: number, n1: number): void;
  lstmSequenceBackward(act: Ptr, cs: Ptr, w: Ptr, mask: Ptr, dhIn: Ptr, dhLast: Ptr, dcLast: Ptr, dh: Ptr, dc: Ptr, dproj: Ptr, T: number, N: number, H: number, dcIn: number, reverse: number, n0: number, n1: number): void;
  reluBackward(y: Ptr, g: Ptr, out: Ptr, n: number): void;
  maxPool2x2(x: Ptr, planes: number, H: number, W: number, out: Ptr, idx: Ptr): void;
  maxPool2x2Backward(g: Ptr, idx: Ptr, planes: number, H: number, W: number, dx: Ptr): void;
  batchNormForward(x: Ptr, w: Ptr, b: Ptr, y: Ptr, mean: Ptr, variance: Ptr, N: number, C: number, S: number, eps: number): void;
  batchNormBackward(x: Ptr, g: Ptr, mean: Ptr, variance: Ptr, w: Ptr, dx: Ptr, dw: Ptr, db: Ptr, N: number, C: number, S: number, eps: number): void;
  KMEANS_PARTS: WebAssembly.Global;
  kmeansStep(x: Ptr, n: number, d: number, c: Ptr, cc: Ptr, k: number, w: Ptr, labels: Ptr, dist: Ptr, sums: Ptr, mass: Ptr, p0: number, p1: number): void;
  im2col(x: Ptr, sn: number, sc: number, sh: number, sw: number, ...geometry: number[]): void;
  col2im(cols: Ptr, ...geometryOutAndStrides: number[]): void;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  if (typeof atob === "function") return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return Uint8Array.from(Buffer.from(b64, "base64"));
}

/** The kernel module for this engine: shared memory if threads are possible, relaxed SIMD if asked and accepted. */
export function kernelModule(relaxedSimd: boolean): { module: WebAssembly.Module; relaxed: boolean } {
  if (relaxedSimd) {
    const bytes = decodeBase64(CAN_THREAD ? BUILDS.KERNELS_RELAXED_SHARED_WASM_BASE64 : BUILDS.KERNELS_RELAXED_WASM_BASE64);
    if (WebAssembly.validate(bytes)) return { module: new WebAssembly.Module(bytes), relaxed: true };
  }
  const bytes = decodeBase64(CAN_THREAD ? BUILDS.KERNELS_SHARED_WASM_BASE64 : BUILDS.KERNELS_WASM_BASE64);
  return { module: new WebAssembly.Module(bytes), relaxed: false };
}
