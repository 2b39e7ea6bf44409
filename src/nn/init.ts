/**
 * tg.nn.init: in-place initialisers with PyTorch's names, fan rules and gains. Random draws come
 * from the seeded generator (tg.manualSeed), so initialisation is reproducible.
 */
import { noGrad } from "../ops/grad-mode.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import type { Tensor } from "../ops/tensor.js";
import { rand, randn, tensor } from "../ops/creation.js";

export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";
export type FanMode = "fan_in" | "fan_out";

interface Rng {
  generator?: Generator;
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      return 1;
  }
}

/** fan_in and fan_out of a weight: dims 1 and 0 times the receptive field (dims 2…). */
export function computeFans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ShapeError(`init: fan in and fan out cannot be computed for a tensor with fewer than 2 dims (shape ${fmtShape(t.shape)})`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

function fill(t: Tensor, make: () => Tensor): Tensor {
  return noGrad(() => t.copy_(make()));
}

export function uniform_(t: Tensor, a = 0, b = 1, { generator }: Rng = {}): Tensor {
  return fill(t, () => rand(t.shape, { dtype: t.dtype, device: t.backend, ...(generator ? { generator } : {}) }).mul(b - a).add(a));
}

export function normal_(t: Tensor, mean = 0, std = 1, { generator }: Rng = {}): Tensor {
  return fill(t, () => randn(t.shape, { dtype: t.dtype, device: t.backend, ...(generator ? { generator } : {}) }).mul(std).add(mean));
}

/**
 * A normal draw, each value outside [a, b] drawn again until it falls inside (torch.nn.init.
 * trunc_normal_; a and b are absolute bounds, not multiples of std).
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, { generator }: Rng = {}): Tensor {
  if (!(a < b)) throw new ValueError(`truncNormal_: needs a < b, got a=${a}, b=${b}`);
  if (!(std > 0) || (a - mean) / std > 8 || (b - mean) / std < -8) throw new ValueError(`truncNormal_: [${a}, ${b}] is out of reach of N(${mean}, ${std}²)`);
  const g = generator ?? defaultGenerator;
  return fill(t, () => {
    // Drawn and redrawn on the host, in float64, whatever t's device.
    const values = randn(t.shape, { dtype: "float64", device: "cpu", ...(generator ? { generator } : {}) }).mul(std).add(mean).dataSync() as Float64Array;
    for (let i = 0; i < values.length; i++) {
      while (!(values[i]! >= a && values[i]! <= b)) {
        // Box–Muller from the same generator.
        const u = 1 - g.random();
        values[i] = mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * g.random());
      }
    }
    return tensor(values, { shape: [...t.shape], dtype: t.dtype, device: t.backend });
  });
}

export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

export function xavierUniform_(t: Tensor, gain = 1, rng: Rng = {}): Tensor {
  const { fanIn, fanOut } = computeFans(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, rng);
}

export function xavierNormal_(t: Tensor, gain = 1, rng: Rng = {}): Tensor {
  const { fanIn, fanOut } = computeFans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), rng);
}

export interface KaimingOptions extends Rng {
  /** The negative slope of the rectifier after this layer (leaky_relu), default 0. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, { a = 0, mode = "fan_in", nonlinearity = "leaky_relu" }: KaimingOptions): number {
  const fans = computeFans(t);
  const fan = mode === "fan_in" ? fans.fanIn : fans.fanOut;
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound, opts);
}

export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, opts), opts);
}

/** Aliases under Keras' names. */
export const glorotUniform_ = xavierUniform_;
export const glorotNormal_ = xavierNormal_;
export const heUniform_ = kaimingUniform_;
export const heNormal_ = kaimingNormal_;

/**
 * A (semi-)orthogonal matrix scaled by gain: QR of a normal matrix by modified Gram–Schmidt, with
 * the signs fixed by R's diagonal (as torch.nn.init.orthogonal_). Dims past the first are flattened.
 */
export function orthogonal_(t: Tensor, gain = 1, { generator }: Rng = {}): Tensor {
  if (t.ndim < 2) throw new ShapeError(`orthogonal_: needs at least 2 dims, got shape ${fmtShape(t.shape)}`);
  const rows = t.shape[0]!;
  const cols = t.numel() / rows;
  if (rows === 0 || cols === 0) return t;
  // Orthonormalise the columns of a tall [big, small] normal matrix, then transpose back if needed.
  const [big, small] = rows >= cols ? [rows, cols] : [cols, rows];
  // Orthonormalised on the host, in float64, whatever t's device.
  const flat = randn([big, small], { dtype: "float64", device: "cpu", ...(generator ? { generator } : {}) }).dataSync();
  const q = new Float64Array(big * small);
  for (let j = 0; j < small; j++) {
    for (let i = 0; i < big; i++) q[i * small + j] = flat[i * small + j]!;
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < big; i++) dot += q[i * small + k]! * q[i * small + j]!;
      for (let i = 0; i < big; i++) q[i * small + j]! -= dot * q[i * small + k]!;
    }
    let norm = 0;
    for (let i = 0; i < big; i++) norm += q[i * small + j]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new ValueError("orthogonal_: degenerate random draw");
    // R's diagonal is +norm here, so no sign flip is needed (it is what torch's d.sign() fixes).
    for (let i = 0; i < big; i++) q[i * small + j]! /= norm;
  }
  const m = tensor(q, { shape: [big, small], dtype: "float64", device: "cpu" });
  return noGrad(() => t.copy_((rows >= cols ? m : m.t()).mul(gain).reshape(t.shape as number[]).to(t.dtype).toBackend(t.backend)));
}
