/** Convolutions as one im2col (unfold) and one batched matmul; transposed ones as matmul + col2im (fold). */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { pad } from "../../ops/movement.js";
import { fold, pair, unfold, unfoldBatchInner, type Pair } from "../../ops/windows.js";
import { checkInputDtype } from "./basic.js";

export type Padding = Pair | "same" | "valid";

export interface ConvOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
}

/** Accepts an unbatched [C, …] input as PyTorch does: adds the batch dim and says to remove it. */
function batched(x: Tensor, spatial: number, op: string): [Tensor, boolean] {
  if (x.ndim === spatial + 2) return [x, false];
  if (x.ndim === spatial + 1) return [x.unsqueeze(0), true];
  throw new ShapeError(`${op}: expected a ${spatial + 2}-D (batched) or ${spatial + 1}-D (unbatched) input, got shape ${fmtShape(x.shape)}`);
}

/** Explicit [top, bottom, left, right] padding for "same" (extra on the far side, as PyTorch). */
function resolvePadding(padding: Padding, kernel: [number, number], dilation: [number, number], stride: [number, number], op: string) {
  if (padding === "valid") return { symmetric: [0, 0] as [number, number], extra: null };
  if (padding === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) throw new ValueError(`${op}: padding='same' is not supported for strided convolutions`);
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    const before = total.map((t) => Math.floor(t / 2)) as [number, number];
    const after = total.map((t, i) => t - before[i]!);
    const symmetric = before.every((b, i) => b === after[i]);
    return symmetric ? { symmetric: before, extra: null } : { symmetric: [0, 0] as [number, number], extra: [before[1], after[1]!, before[0], after[0]!] };
  }
  return { symmetric: pair(padding, "padding", op), extra: null };
}

export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  const op = "conv2d";
  const [input, unbatched] = batched(x, 2, op);
  const groups = opts.groups ?? 1;
  if (weight.ndim !== 4) throw new ShapeError(`${op}: weight must be [out, in/groups, kh, kw], got ${fmtShape(weight.shape)}`);
  checkInputDtype(op, input, weight);
  const [O, Cg, kh, kw] = weight.shape as [number, number, number, number];
  const [N, C] = input.shape as [number, number];
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || O % groups !== 0) {
    throw new ValueError(`${op}: groups=${groups} must divide both in channels (${C}) and out channels (${O})`);
  }
  if (Cg * groups !== C) {
    throw new ShapeError(`${op}: expected input with ${Cg * groups} channels (weight ${fmtShape(weight.shape)}, groups ${groups}), got input of shape ${fmtShape(x.shape)}`);
  }
  const stride = pair(opts.stride ?? 1, "stride", op);
  const dilation = pair(opts.dilation ?? 1, "dilation", op);
  const { symmetric, extra } = resolvePadding(opts.padding ?? 0, [kh, kw], dilation, stride, op);
  const padded = extra ? pad(input, extra) : input;
  const windows = { stride, padding: symmetric, dilation };
  const [oh, ow] = outputGrid(padded, [kh, kw], stride, symmetric, dilation);
  const L = oh * ow;
  let out: Tensor;
  const temporaries: Tensor[] = [];
  if (groups === 1 && N > 1 && L < FOLD_BELOW) {
    // Few output positions per image (deep layers of a CNN): one [O, K] × [K, N·L] GEMM over the
    // whole batch keeps the matmul kernel's tiles full, where N products of width L would not
    // (L = 1 makes them matrix-vector products). im2col writes that layout directly; only the
    // output is permuted back to [N, O, L].
    const cols = unfoldBatchInner(padded, [kh, kw], windows); // [K, N·L]
    const product = weight.reshape(O, C * kh * kw).matmul(cols);
    temporaries.push(cols, product);
    out = product.reshape(O, N, L).permute(1, 0, 2).contiguous(); // [N, O, L]
  } else {
    const cols = unfold(padded, [kh, kw], windows); // [N, C·kh·kw, L]
    temporaries.push(cols);
    out =
      groups === 1
        ? weight.reshape(O, C * kh * kw).matmul(cols) // [N, O, L]
        : weight.reshape(groups, O / groups, Cg * kh * kw).matmul(cols.reshape(N, groups, Cg * kh * kw, L)); // [N, G, O/G, L]
  }
  out = out.reshape(N, O, oh, ow);
  // Without a graph nothing saved the columns (k·k times the input): free them now rather than at
  // the end of the caller's scope, so inference on a large batch holds one layer's, not all of them.
  if (!out.requiresGrad) for (const t of temporaries) if (t.storage !== padded.storage && t.storage !== out.storage) t.dispose();
  if (bias) out = out.add(bias.reshape(1, O, 1, 1));
  return unbatched ? out.squeeze(0) : out;
}

/** Output positions per image below which conv2d folds the batch into one GEMM (measured on ResNet-18's stages, bench/vision.ts). */
const FOLD_BELOW = 256;

function outputGrid(x: Tensor, k: [number, number], s: [number, number], p: [number, number], d: [number, number]): [number, number] {
  const o = (i: 0 | 1) => Math.floor((x.shape[2 + i]! + 2 * p[i] - d[i] * (k[i] - 1) - 1) / s[i]) + 1;
  return [o(0), o(1)];
}

/** 1-D convolution as a 2-D one over a height of 1. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  const [input, unbatched] = batched(x, 1, "conv1d");
  if (weight.ndim !== 3) throw new ShapeError(`conv1d: weight must be [out, in/groups, k], got ${fmtShape(weight.shape)}`);
  // The height dim gets stride 1, padding 0, dilation 1; the length dim gets the given value.
  const along = (v: Pair | undefined, height: number, dflt: number): [number, number] => [height, typeof v === "number" ? v : v?.[0] ?? dflt];
  const padding = opts.padding === "same" || opts.padding === "valid" ? opts.padding : along(opts.padding, 0, 0);
  const out = conv2d(input.unsqueeze(2), weight.unsqueeze(2), bias, {
    stride: along(opts.stride, 1, 1),
    padding,
    dilation: along(opts.dilation, 1, 1),
    groups: opts.groups ?? 1,
  }).squeeze(2);
  return unbatched ? out.squeeze(0) : out;
}

export interface ConvTransposeOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** The gradient of conv2d with respect to its input, as a layer: weight is [in, out/groups, kh, kw]. */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  const op = "convTranspose2d";
  const [input, unbatched] = batched(x, 2, op);
  const groups = opts.groups ?? 1;
  if (weight.ndim !== 4) throw new ShapeError(`${op}: weight must be [in, out/groups, kh, kw], got ${fmtShape(weight.shape)}`);
  checkInputDtype(op, input, weight);
  const [Cin, Og, kh, kw] = weight.shape as [number, number, number, number];
  const [N, C, H, W] = input.shape as [number, number, number, number];
  if (C !== Cin) throw new ShapeError(`${op}: expected input with ${Cin} channels (weight ${fmtShape(weight.shape)}), got input of shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) throw new ValueError(`${op}: groups=${groups} must divide in channels (${C})`);
  const stride = pair(opts.stride ?? 1, "stride", op);
  const padding = pair(opts.padding ?? 0, "padding", op);
  const dilation = pair(opts.dilation ?? 1, "dilation", op);
  const outPad = pair(opts.outputPadding ?? 0, "output padding", op);
  if (outPad.some((p, i) => p >= Math.max(stride[i]!, dilation[i]!))) {
    throw new ValueError(`${op}: output padding ${fmtShape(outPad)} must be smaller than stride or dilation`);
  }
  const size: [number, number] = [
    (H - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outPad[0] + 1,
    (W - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outPad[1] + 1,
  ];
  const O = Og * groups;
  const xg = input.reshape(N, groups, C / groups, H * W);
  const wg = weight.reshape(groups, C / groups, Og * kh * kw).transpose(1, 2); // [G, O/G·kk, C/G]
  const cols = wg.matmul(xg).reshape(N, O * kh * kw, H * W);
  let out = fold(cols, size, [kh, kw], { stride, padding, dilation });
  if (bias) out = out.add(bias.reshape(1, O, 1, 1));
  return unbatched ? out.squeeze(0) : out;
}
