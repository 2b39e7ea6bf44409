/**
 * Sliding windows: torch.nn.functional.unfold (im2col) and fold (col2im) over [N, C, H, W].
 * Convolution and pooling (nn/functional) are built on these.
 */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "./tensor.js";
import { windowGrid, type WindowGeometry } from "../backend/backend.js";
import { apply } from "./dispatch.js";

export type Pair = number | readonly [number, number];

export function pair(v: Pair, what: string, op: string): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 0)) throw new ValueError(`${op}: ${what} must be non-negative integers, got ${String(v)}`);
  return p;
}

export interface WindowOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

export function geometry(kernel: Pair, opts: WindowOptions, op: string, defaultStride: Pair = 1): WindowGeometry {
  const g: WindowGeometry = {
    kernel: pair(kernel, "kernel size", op),
    stride: pair(opts.stride ?? defaultStride, "stride", op),
    padding: pair(opts.padding ?? 0, "padding", op),
    dilation: pair(opts.dilation ?? 1, "dilation", op),
  };
  if (g.kernel.some((k) => k === 0) || g.stride.some((s) => s === 0) || g.dilation.some((d) => d === 0)) {
    throw new ValueError(`${op}: kernel size, stride and dilation must be positive`);
  }
  return g;
}

/** Checks a [N, C, H, W] input is large enough for the windows and returns the output grid. */
export function checkWindows(x: Tensor, g: WindowGeometry, op: string): [number, number] {
  if (x.ndim !== 4) throw new ShapeError(`${op}: expected a 4-D input [N, C, H, W], got shape ${fmtShape(x.shape)}`);
  const [oh, ow] = windowGrid([x.shape[2]!, x.shape[3]!], g);
  if (oh <= 0 || ow <= 0) {
    throw new ShapeError(
      `${op}: input of shape ${fmtShape(x.shape)} (padded by ${fmtShape(g.padding)}) is smaller than the dilated kernel ${fmtShape(g.kernel.map((k, i) => g.dilation[i]! * (k - 1) + 1))}`,
    );
  }
  return [oh, ow];
}

/** [N, C, H, W] → [N, C·kh·kw, L] (torch.nn.functional.unfold); padValue fills taps outside. */
export function unfold(x: Tensor, kernel: Pair, opts: WindowOptions = {}, padValue = 0): Tensor {
  const g = geometry(kernel, opts, "unfold");
  checkWindows(x, g, "unfold");
  return apply("im2col", [x], { geometry: g, padValue });
}

/**
 * unfold's values as a [C·kh·kw, N·L] matrix with no copy: the columns of the whole batch side by
 * side, the right operand of a convolution done as one GEMM over the batch.
 */
export function unfoldBatchInner(x: Tensor, kernel: Pair, opts: WindowOptions = {}): Tensor {
  const g = geometry(kernel, opts, "unfold");
  checkWindows(x, g, "unfold");
  const cols = apply("im2col", [x], { geometry: g, padValue: 0, batchInner: true }); // [N, K, L], strides [L, N·L, 1]
  return cols.permute(1, 0, 2).reshape(cols.shape[1]!, cols.shape[0]! * cols.shape[2]!);
}

/** [N, C·kh·kw, L] → [N, C, H, W] summing overlaps (torch.nn.functional.fold). */
export function fold(cols: Tensor, outputSize: Pair, kernel: Pair, opts: WindowOptions = {}): Tensor {
  const g = geometry(kernel, opts, "fold");
  const size = pair(outputSize, "output size", "fold");
  const kk = g.kernel[0] * g.kernel[1];
  const [oh, ow] = windowGrid(size, g);
  if (cols.ndim !== 3 || cols.shape[1]! % kk !== 0 || cols.shape[2] !== oh * ow) {
    throw new ShapeError(
      `fold: expected input [N, C·${kk}, ${oh * ow}] for output size ${fmtShape(size)} and kernel ${fmtShape(g.kernel)}, got ${fmtShape(cols.shape)}`,
    );
  }
  return apply("col2im", [cols], { geometry: g, channels: cols.shape[1]! / kk, size });
}
