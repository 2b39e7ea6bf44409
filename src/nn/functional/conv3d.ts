/**
 * The 3-D convolution and the transposed 1-D and 3-D ones, built on the 2-D kernels: a 3-D
 * convolution is a sum over the kernel's depth taps of 2-D convolutions whose batch holds every
 * output depth (the input's depth slices at that tap, strided); a transposed one scatters each
 * depth tap's 2-D transposed convolution to its strided output depths. Gradients come through.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { pad } from "../../ops/movement.js";
import { checkInputDtype } from "./basic.js";
import { conv2d, convTranspose2d, type ConvTransposeOptions } from "./conv.js";

export type Triple = number | readonly [number, number, number];

export interface Conv3dOptions {
  stride?: Triple;
  padding?: Triple | "same" | "valid";
  dilation?: Triple;
  groups?: number;
}

export function triple(v: Triple, what: string, op: string): [number, number, number] {
  const t: [number, number, number] = typeof v === "number" ? [v, v, v] : [v[0], v[1], v[2]];
  if (!t.every((x) => Number.isInteger(x) && x >= 0)) throw new ValueError(`${op}: ${what} must be non-negative integers, got ${String(v)}`);
  return t;
}

function batched5d(x: Tensor, op: string): [Tensor, boolean] {
  if (x.ndim === 5) return [x, false];
  if (x.ndim === 4) return [x.unsqueeze(0), true];
  throw new ShapeError(`${op}: expected a 5-D [N, C, D, H, W] or 4-D [C, D, H, W] input, got shape ${fmtShape(x.shape)}`);
}

/** Every `step`-th of `count` depth slices from `start`, as [N·count, C, H, W]. */
function depthSlices(x: Tensor, start: number, count: number, step: number): Tensor {
  const [N, C, , H, W] = x.shape as [number, number, number, number, number];
  const picked = x.slice(2, start, start + (count - 1) * step + 1, step); // [N, C, count, H, W]
  return picked.permute(0, 2, 1, 3, 4).reshape(N * count, C, H, W);
}

export function conv3d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv3dOptions = {}): Tensor {
  const op = "conv3d";
  const [input, unbatched] = batched5d(x, op);
  if (weight.ndim !== 5) throw new ShapeError(`${op}: weight must be [out, in/groups, kd, kh, kw], got ${fmtShape(weight.shape)}`);
  checkInputDtype(op, input, weight);
  const [O, Cg, kd, kh, kw] = weight.shape as [number, number, number, number, number];
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || O % groups !== 0 || input.shape[1] !== Cg * groups) {
    throw new ShapeError(`${op}: expected input with ${Cg * groups} channels (weight ${fmtShape(weight.shape)}, groups ${groups}), got input of shape ${fmtShape(x.shape)}`);
  }
  const stride = triple(opts.stride ?? 1, "stride", op);
  const dilation = triple(opts.dilation ?? 1, "dilation", op);
  let padded = input;
  let padding: [number, number, number];
  if (opts.padding === "same" || opts.padding === "valid") {
    if (opts.padding === "same" && stride.some((s) => s !== 1)) throw new ValueError(`${op}: padding='same' is not supported for strided convolutions`);
    const totals = opts.padding === "valid" ? [0, 0, 0] : [kd, kh, kw].map((k, i) => dilation[i]! * (k - 1));
    // The odd unit goes on the far side, as PyTorch; explicit here so each 2-D conv sees none.
    const amounts = [2, 1, 0].flatMap((i) => [Math.floor(totals[i]! / 2), totals[i]! - Math.floor(totals[i]! / 2)]);
    padded = pad(input, amounts);
    padding = [0, 0, 0];
  } else {
    padding = triple(opts.padding ?? 0, "padding", op);
    padded = padding[0] ? pad(input, [0, 0, 0, 0, padding[0], padding[0]]) : input;
  }
  const [N, , D] = padded.shape as [number, number, number];
  const outD = Math.floor((D - dilation[0] * (kd - 1) - 1) / stride[0]) + 1;
  if (outD <= 0) throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} is too small for kernel ${fmtShape([kd, kh, kw])}`);
  let out: Tensor | null = null;
  for (let t = 0; t < kd; t++) {
    const slices = depthSlices(padded, t * dilation[0], outD, stride[0]);
    const y = conv2d(slices, weight.select(2, t), null, { stride: [stride[1], stride[2]], padding: [padding[1], padding[2]], dilation: [dilation[1], dilation[2]], groups });
    out = out ? out.add(y) : y;
  }
  const [, , oh, ow] = out!.shape as [number, number, number, number];
  let result = out!.reshape(N, outD, O, oh, ow).permute(0, 2, 1, 3, 4);
  if (bias) result = result.add(bias.reshape(1, O, 1, 1, 1));
  return unbatched ? result.squeeze(0) : result.contiguous();
}

export interface ConvTranspose3dOptions {
  stride?: Triple;
  padding?: Triple;
  outputPadding?: Triple;
  dilation?: Triple;
  groups?: number;
}

export function convTranspose3d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTranspose3dOptions = {}): Tensor {
  const op = "convTranspose3d";
  const [input, unbatched] = batched5d(x, op);
  if (weight.ndim !== 5) throw new ShapeError(`${op}: weight must be [in, out/groups, kd, kh, kw], got ${fmtShape(weight.shape)}`);
  checkInputDtype(op, input, weight);
  const [, Og, kd] = weight.shape as [number, number, number];
  const groups = opts.groups ?? 1;
  const O = Og * groups;
  const stride = triple(opts.stride ?? 1, "stride", op);
  const padding = triple(opts.padding ?? 0, "padding", op);
  const dilation = triple(opts.dilation ?? 1, "dilation", op);
  const outPad = triple(opts.outputPadding ?? 0, "output padding", op);
  if (outPad.some((p, i) => p >= Math.max(stride[i]!, dilation[i]!))) throw new ValueError(`${op}: output padding ${fmtShape(outPad)} must be smaller than stride or dilation`);
  const [N, C, D, H, W] = input.shape as [number, number, number, number, number];
  const planes = input.permute(0, 2, 1, 3, 4).reshape(N * D, C, H, W);
  const full = (D - 1) * stride[0] + dilation[0] * (kd - 1) + 1; // depths before cropping the padding
  let acc: Tensor | null = null;
  for (let t = 0; t < kd; t++) {
    const y = convTranspose2d(planes, weight.select(2, t), null, {
      stride: [stride[1], stride[2]], padding: [padding[1], padding[2]], outputPadding: [outPad[1], outPad[2]], dilation: [dilation[1], dilation[2]], groups,
    } satisfies ConvTransposeOptions);
    const [, , oh, ow] = y.shape as [number, number, number, number];
    // Input depth i lands on output depth i·stride + t·dilation: interleave stride − 1 zero planes, then shift.
    let spread = y.reshape(N, D, 1, O, oh, ow);
    if (stride[0] > 1) spread = pad(spread, [0, 0, 0, 0, 0, 0, 0, stride[0] - 1]);
    spread = spread.reshape(N, D * stride[0], O, oh, ow).narrow(1, 0, (D - 1) * stride[0] + 1);
    const placed = pad(spread, [0, 0, 0, 0, 0, 0, t * dilation[0], full - (D - 1) * stride[0] - 1 - t * dilation[0]]);
    acc = acc ? acc.add(placed) : placed;
  }
  const outD = (D - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kd - 1) + outPad[0] + 1;
  // Crop the padding; output padding past the last contribution is zeros.
  const available = Math.min(outD, full - padding[0]);
  let result = acc!.narrow(1, padding[0], available);
  if (available < outD) result = pad(result, [0, 0, 0, 0, 0, 0, 0, outD - available]);
  result = result.permute(0, 2, 1, 3, 4);
  if (bias) result = result.add(bias.reshape(1, O, 1, 1, 1));
  return unbatched ? result.squeeze(0) : result.contiguous();
}

/** The transposed 1-D convolution, as the 2-D one over a height of 1: weight is [in, out/groups, k]. */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: { stride?: number; padding?: number; outputPadding?: number; dilation?: number; groups?: number } = {}): Tensor {
  if (x.ndim !== 3 && x.ndim !== 2) throw new ShapeError(`convTranspose1d: expected a 3-D [N, C, L] or 2-D [C, L] input, got shape ${fmtShape(x.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError(`convTranspose1d: weight must be [in, out/groups, k], got ${fmtShape(weight.shape)}`);
  const y = convTranspose2d(x.unsqueeze(-2), weight.unsqueeze(2), bias, {
    stride: [1, opts.stride ?? 1], padding: [0, opts.padding ?? 0], outputPadding: [0, opts.outputPadding ?? 0], dilation: [1, opts.dilation ?? 1], groups: opts.groups ?? 1,
  });
  return y.squeeze(-2);
}

/** The time-batch-channel convolution (torch.conv_tbc): input [T, B, C], weight [k, C, O], bias [O], zero padding along T. */
export function convTbc(input: Tensor, weight: Tensor, bias: Tensor, pad = 0): Tensor {
  if (input.ndim !== 3 || weight.ndim !== 3) throw new ShapeError(`convTbc: expected input [T, B, C] and weight [k, C, O], got ${fmtShape(input.shape)} and ${fmtShape(weight.shape)}`);
  if (input.shape[2] !== weight.shape[1]) throw new ShapeError(`convTbc: input has ${input.shape[2]} channels but the weight expects ${weight.shape[1]}`);
  const out = conv2d(input.permute(1, 2, 0).unsqueeze(2), weight.permute(2, 1, 0).unsqueeze(2), bias, { padding: [0, pad] }); // [B, O, 1, T']
  return out.squeeze(2).permute(2, 0, 1);
}
