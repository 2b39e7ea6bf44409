/**
 * The wasm backend's sliding-window kernels on float32: im2col and col2im (split over the pool by
 * images) and 2×2 max pooling with its gradient (split by planes), so that a convolution's and a
 * pooling layer's kernels share one partition of the batch (docs/architecture.md).
 */
import { isContiguous, numel } from "../../base/shape.js";
import { windowGrid, type Storage, type View, type WindowGeometry } from "../backend.js";
import type { WasmBackend } from "./index.js";
import { WasmStorage } from "./storage.js";

/** The window geometry as the kernels take it: N C H W kh kw sh sw ph pw dh dw OH OW. */
function geometry(n: number, c: number, size: readonly [number, number], g: WindowGeometry): number[] {
  const [oh, ow] = windowGrid(size, g);
  return [n, c, size[0], size[1], ...g.kernel, ...g.stride, ...g.padding, ...g.dilation, oh, ow];
}

/** x [N, C, H, W] (float32, any strides) → its windows' columns, [N, K, L] or batch-inner [K, N, L]. */
export function im2col(w: WasmBackend, x: View, g: WindowGeometry, padValue: number, batchInner: boolean): Storage {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [oh, ow] = windowGrid([h, wd], g);
  const [K, L] = [c * g.kernel[0] * g.kernel[1], oh * ow];
  const out = w.allocate("float32", n * K * L);
  const [sn, sc, sh, sw] = x.strides as [number, number, number, number];
  const [batchStride, rowStride] = batchInner ? [L, n * L] : [K * L, L];
  const px = w.addr(x);
  w.byItems("im2col", n, n * K * L, (b0, nb) => [px + 4 * b0 * sn, sn, sc, sh, sw, ...geometry(nb, c, [h, wd], g), padValue, out.ptr + 4 * b0 * batchStride, batchStride, rowStride]);
  return out;
}

/** Columns [N, K, L] (float32) → the [N, C, H, W] sums of their windows' taps. */
export function col2im(w: WasmBackend, cols: View, channels: number, size: readonly [number, number], g: WindowGeometry): Storage {
  const n = cols.shape[0]!;
  const out = w.allocate("float32", n * channels * size[0] * size[1]);
  // The kernel reads runs of contiguous columns wherever they lie (the batch-inner layout of a
  // whole-batch convolution's gradient among them); other strides are copied first.
  const runs = cols.strides[2] === 1 || cols.shape[2] === 1;
  const flat = runs ? null : (w.copy(cols) as WasmStorage);
  const [batchStride, rowStride] = runs ? [cols.strides[0]!, cols.strides[1]!] : [cols.shape[1]! * cols.shape[2]!, cols.shape[2]!];
  const [pc, image] = [flat ? flat.ptr : w.addr(cols), channels * size[0] * size[1]];
  w.byItems("col2im", n, n * image, (b0, nb) => [pc + 4 * b0 * batchStride, ...geometry(nb, channels, size, g), out.ptr + 4 * b0 * image, batchStride, rowStride]);
  flat?.release();
  return out;
}

/** 2×2 max pooling of a contiguous float32 [N, C, H, W] → [values, int32 indices within each plane], or null. */
export function maxPool2x2(w: WasmBackend, x: View): [Storage, Storage] | null {
  if (x.shape.length !== 4 || x.shape[2]! < 2 || x.shape[3]! < 2) return null;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const L = N * C * (H >> 1) * (W >> 1);
  const [out, idx] = [w.allocate("float32", L), w.allocate("int32", L)];
  const [pa, plane, pooled] = [w.addr(x), H * W, (H >> 1) * (W >> 1)];
  // The indices are within each plane, so planes split freely.
  w.byItems("maxPool2x2", N * C, L, (p0, n) => [pa + 4 * p0 * plane, n, H, W, out.ptr + 4 * p0 * pooled, idx.ptr + 4 * p0 * pooled]);
  return [out, idx];
}

/** Its gradient from a contiguous float32 g and the forward's indices, for an H × W input, or null. */
export function maxPool2x2Backward(w: WasmBackend, g: View, indices: View, size: readonly [number, number]): Storage | null {
  const [H, W] = size;
  if (g.shape.length !== 4 || indices.storage.dtype !== "int32" || !(indices.storage instanceof WasmStorage) || !isContiguous(indices.shape, indices.strides)) return null;
  const [N, C, OH, OW] = g.shape as [number, number, number, number];
  if (OH !== H >> 1 || OW !== W >> 1 || numel(indices.shape) !== N * C * OH * OW) return null;
  const dx = w.allocate("float32", N * C * H * W);
  const [pg, pi, plane, pooled] = [w.addr(g), w.addr(indices), H * W, OH * OW];
  // Planes split as in the forward, so each thread writes the planes whose windows it read.
  w.byItems("maxPool2x2Backward", N * C, N * C * plane, (p0, n) => [pg + 4 * p0 * pooled, pi + 4 * p0 * pooled, n, H, W, dx.ptr + 4 * p0 * plane]);
  return dx;
}
