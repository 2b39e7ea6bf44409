/**
 * Integer and floating-point bit functions — gcd, lcm, nextafter, frexp — computed element by
 * element on the host: none has a gradient in PyTorch, and each is a short loop over the bits
 * that the whole-tensor primitives would only spell slowly.
 */
import { isFloating, promoteTypes } from "../../base/dtype.js";
import { DTypeError } from "../../base/errors.js";
import { Tensor } from "../tensor.js";
import { tensor } from "../creation.js";
import { prepare, type TensorLike } from "../elementwise.js";

/** Applies f to the broadcast elements of a and b, into a tensor of `dtype`. */
function hostBinary(op: string, a: TensorLike, b: TensorLike, dtype: "int32" | "float32" | "float64", f: (x: number, y: number) => number): Tensor {
  const [ta, tb] = prepare([a, b], dtype, op);
  const [xa, xb] = [ta!.contiguous().dataSync(), tb!.contiguous().dataSync()];
  const out = dtype === "int32" ? new Int32Array(xa.length) : dtype === "float64" ? new Float64Array(xa.length) : new Float32Array(xa.length);
  for (let i = 0; i < out.length; i++) out[i] = f(xa[i]!, xb[i]!);
  return tensor(out, { dtype }).reshape([...ta!.shape]).toBackend(ta!.backend);
}

function integerType(op: string, a: TensorLike, b: TensorLike): "int32" {
  for (const t of [a, b]) {
    if (t instanceof Tensor && t.dtype !== "int32") throw new DTypeError(`${op}: defined for int32 tensors, got ${t.dtype}`);
    if (typeof t === "number" && !Number.isInteger(t)) throw new DTypeError(`${op}: defined for integers, got ${t}`);
  }
  return "int32";
}

function gcdOf(x: number, y: number): number {
  let [a, b] = [Math.abs(x), Math.abs(y)];
  while (b !== 0) [a, b] = [b, a % b];
  return a | 0;
}

/** The greatest common divisor of each pair (non-negative; gcd(0, 0) = 0). */
export const gcd = (a: TensorLike, b: TensorLike): Tensor => hostBinary("gcd", a, b, integerType("gcd", a, b), gcdOf);

/** The least common multiple of each pair (non-negative; 0 when either is 0). */
export const lcm = (a: TensorLike, b: TensorLike): Tensor =>
  hostBinary("lcm", a, b, integerType("lcm", a, b), (x, y) => {
    const g = gcdOf(x, y);
    return g === 0 ? 0 : Math.abs(Math.imul(x / g, y)) | 0;
  });

function floatType(op: string, a: TensorLike, b: TensorLike): "float32" | "float64" {
  const dtype = a instanceof Tensor && b instanceof Tensor ? promoteTypes(a.dtype, b.dtype) : (a instanceof Tensor ? a : (b as Tensor)).dtype;
  if (!isFloating(dtype)) throw new DTypeError(`${op}: defined for floating tensors, got ${dtype}`);
  return dtype as "float32" | "float64";
}

/** The next representable number after a toward b, in a's precision (float32 steps for float32). */
export function nextafter(a: Tensor, b: TensorLike): Tensor {
  const dtype = floatType("nextafter", a, b);
  const bits = dtype === "float32" ? new Float32Array(1) : new Float64Array(1);
  const ints = dtype === "float32" ? new Int32Array(bits.buffer) : new BigInt64Array(bits.buffer);
  return hostBinary("nextafter", a, b, dtype, (x, y) => {
    if (x !== x || y !== y) return NaN;
    if (x === y) return y;
    if (x === 0) {
      bits[0] = 0;
      ints[0] = dtype === "float32" ? 1 : 1n;
      return y > 0 ? bits[0]! : -bits[0]!;
    }
    bits[0] = x;
    const up = (y > x) === (x > 0); // moving away from zero adds one to the magnitude's bits
    if (dtype === "float32") (ints as Int32Array)[0]! += up ? 1 : -1;
    else (ints as BigInt64Array)[0]! += up ? 1n : -1n;
    return bits[0]!;
  });
}

/** x = mantissa · 2^exponent with |mantissa| in [½, 1) (0, ±∞ and NaN keep themselves, exponent 0). */
export function frexp(x: Tensor): { mantissa: Tensor; exponent: Tensor } & readonly [Tensor, Tensor] {
  if (!isFloating(x.dtype)) throw new DTypeError(`frexp: defined for floating tensors, got ${x.dtype}`);
  const data = x.contiguous().dataSync();
  const m = x.dtype === "float64" ? new Float64Array(data.length) : new Float32Array(data.length);
  const e = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v === 0 || !Number.isFinite(v)) {
      m[i] = v;
      continue;
    }
    let exponent = Math.max(-1073, Math.floor(Math.log2(Math.abs(v)))) + 1;
    const half = Math.trunc(exponent / 2); // two steps: 2^1073 alone would overflow for subnormals
    let mantissa = v * 2 ** -half * 2 ** (half - exponent);
    while (Math.abs(mantissa) >= 1) [mantissa, exponent] = [mantissa / 2, exponent + 1];
    while (Math.abs(mantissa) < 0.5) [mantissa, exponent] = [mantissa * 2, exponent - 1];
    m[i] = mantissa;
    e[i] = exponent;
  }
  const shape = [...x.shape];
  const mantissa = tensor(m, { dtype: x.dtype }).reshape(shape).toBackend(x.backend);
  const exponent = tensor(e, { dtype: "int32" }).reshape(shape).toBackend(x.backend);
  return Object.assign([mantissa, exponent] as const, { mantissa, exponent });
}
