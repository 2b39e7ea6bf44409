/**
 * torch's window functions (hann, hamming, blackman, bartlett, kaiser): periodic by default (the
 * first N of an N + 1 symmetric window, for spectral analysis), symmetric with periodic: false.
 * Computed in float64, returned in the dtype asked for (float32 by default).
 */
import { ValueError } from "../../base/errors.js";
import type { DType } from "../../base/dtype.js";
import type { Tensor } from "../tensor.js";
import { tensor } from "../creation.js";
import { i0 } from "./special.js";

export interface WindowFunctionOptions {
  periodic?: boolean;
  dtype?: DType;
}

function window(op: string, n: number, { periodic = true, dtype = "float32" }: WindowFunctionOptions, f: (k: number, denominator: number) => number): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`${op}: window length must be a non-negative integer, got ${n}`);
  if (n === 0) return tensor([], { dtype });
  if (n === 1) return tensor([1], { dtype });
  const denominator = periodic ? n : n - 1;
  // Rounded from float64 once, on whichever device is current (a GPU has no float64 to cast from).
  return tensor(Float64Array.from({ length: n }, (_, k) => f(k, denominator)), { dtype });
}

const cosine = (a: number[]) => (k: number, d: number) => a.reduce((s, c, j) => s + (j % 2 ? -c : c) * Math.cos((2 * Math.PI * j * k) / d), 0);

export const hannWindow = (n: number, opts: WindowFunctionOptions = {}): Tensor => window("hannWindow", n, opts, cosine([0.5, 0.5]));
export const hammingWindow = (n: number, opts: WindowFunctionOptions & { alpha?: number; beta?: number } = {}): Tensor =>
  window("hammingWindow", n, opts, cosine([opts.alpha ?? 0.54, opts.beta ?? 0.46]));
export const blackmanWindow = (n: number, opts: WindowFunctionOptions = {}): Tensor => window("blackmanWindow", n, opts, cosine([0.42, 0.5, 0.08]));
export const bartlettWindow = (n: number, opts: WindowFunctionOptions = {}): Tensor =>
  window("bartlettWindow", n, opts, (k, d) => 1 - Math.abs((2 * k) / d - 1));

/** I₀(β·√(1 − (2k/d − 1)²)) / I₀(β), β = 12 by default. */
export function kaiserWindow(n: number, opts: WindowFunctionOptions & { beta?: number } = {}): Tensor {
  const beta = opts.beta ?? 12;
  const args: number[] = [];
  // (window() checks n, and makes the windows of 0 and 1 points.)
  if (n <= 1 || !Number.isInteger(n)) return window("kaiserWindow", n, opts, () => 1);
  const d = opts.periodic ?? true ? n : n - 1;
  for (let k = 0; k < n; k++) args.push(beta * Math.sqrt(Math.max(0, 1 - ((2 * k) / d - 1) ** 2)));
  // i0 in float64 on the CPU; the window in the dtype asked for, on the current device.
  const host = { dtype: "float64", device: "cpu" } as const;
  return tensor(i0(tensor(args, host)).div(i0(tensor([beta], host))).dataSync(), { dtype: opts.dtype ?? "float32" });
}
