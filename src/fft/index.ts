/**
 * tg.fft — torch.fft's real-valued helpers: the sample frequencies of a transform (fftfreq,
 * rfftfreq) and the shifts that centre the zero frequency (fftshift, ifftshift). The transforms
 * themselves return complex values, which tensorgrad does not have (see docs/coverage.md).
 */
import { ValueError } from "../base/errors.js";
import type { DType } from "../base/dtype.js";
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { deviceBackend, getBackend } from "../backend/registry.js";
import { roll } from "../ops/composite/arrange.js";

function checkLength(op: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new ValueError(`${op}: n must be a positive integer, got ${n}`);
}

/** [0, 1, …, ⌈n/2⌉ − 1, −⌊n/2⌋, …, −1] / (d·n). */
export function fftfreq(n: number, d = 1, { dtype = "float32", device }: FrequencyOptions = {}): Tensor {
  checkLength("fftfreq", n);
  const half = Math.ceil(n / 2);
  return onDevice(tensor(Float64Array.from({ length: n }, (_, k) => (k < half ? k : k - n) / (d * n)), { dtype: "float64", device: "cpu" }).to(dtype), device, "fftfreq");
}

/** [0, 1, …, ⌊n/2⌋] / (d·n): the frequencies of a real input's one-sided transform. */
export function rfftfreq(n: number, d = 1, { dtype = "float32", device }: FrequencyOptions = {}): Tensor {
  checkLength("rfftfreq", n);
  return onDevice(tensor(Float64Array.from({ length: Math.floor(n / 2) + 1 }, (_, k) => k / (d * n)), { dtype: "float64", device: "cpu" }).to(dtype), device, "rfftfreq");
}

/** The frequencies' dtype and device (the default device if none; computed in float64 on the CPU, rounded once, then moved). */
export interface FrequencyOptions {
  dtype?: DType;
  device?: string;
}

const onDevice = (t: Tensor, device: string | undefined, op: string): Tensor => t.toBackend(device === undefined ? getBackend() : deviceBackend(device, op));

const allDims = (x: Tensor) => x.shape.map((_, k) => k);

/** Rolls each dim (all by default) by half its length, so frequency 0 sits in the middle. */
export function fftshift(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? allDims(x) : typeof dim === "number" ? [dim] : [...dim];
  return roll(x, dims.map((d) => Math.floor(x.shape.at(d)! / 2)), dims);
}

/** The inverse of fftshift (they differ for odd lengths). */
export function ifftshift(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? allDims(x) : typeof dim === "number" ? [dim] : [...dim];
  return roll(x, dims.map((d) => -Math.floor(x.shape.at(d)! / 2)), dims);
}
