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
  return tensor(Float64Array.from({ length: n }, (_, k) => f(k, denominator)), { dtype: "float64" }).to(dtype);
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
  const w = window("kaiserWindow", n, { ...opts, dtype: "float64" }, (k, d) => {
    args.push(beta * Math.sqrt(Math.max(0, 1 - ((2 * k) / d - 1) ** 2)));
    return 0;
  });
  if (n <= 1) return w.to(opts.dtype ?? "float32");
  return i0(tensor(args, { dtype: "float64" })).div(i0(tensor([beta], { dtype: "float64" }))).to(opts.dtype ?? "float32");
}
