/** Making tensors: from JS data, constants, ranges, and seeded random draws. */
import { allocArray, arrayConstructor, checkDType, dtypeOfArray, isFloating, type AnyTypedArray, type DType } from "../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import { checkShape, contiguousStrides, numel, type Shape } from "../base/shape.js";
import { Tensor } from "./tensor.js";
import type { Backend } from "../backend/backend.js";
import { deviceBackend, getBackend } from "../backend/registry.js";

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** Where the tensor lives (PyTorch's device=): a device name ("cpu", "webgpu", …) or a backend; the current backend by default. */
  device?: string | Backend;
}

/** The backend options name, or the current one. */
function backendOf(opts: CreateOptions, op: string): Backend {
  const d = opts.device;
  return d === undefined ? getBackend() : typeof d === "string" ? deviceBackend(d, op) : d;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

/** Nested arrays of numbers or booleans, any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

function finish(storage: ReturnType<Backend["fill"]>, shape: Shape, opts: CreateOptions): Tensor {
  const t = new Tensor(storage, shape, contiguousStrides(shape), 0);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function flatten(data: NestedArray, shape: number[], out: (number | boolean)[], depth: number): void {
  if (!Array.isArray(data)) {
    if (depth !== shape.length) throw new ShapeError(`tensor: nested arrays are ragged (a number at depth ${depth}, expected depth ${shape.length})`);
    out.push(scalarItem(data, () => `depth ${depth}, item ${out.length}`));
    return;
  }
  if (depth === shape.length) throw new ShapeError(`tensor: nested arrays are ragged (an array at depth ${depth})`);
  if (data.length !== shape[depth]) {
    throw new ShapeError(`tensor: nested arrays are ragged (expected ${shape[depth]} items at depth ${depth}, got ${data.length})`);
  }
  for (const item of data) flatten(item, shape, out, depth + 1);
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0]!;
  }
  return shape;
}

/** The values of a typed array as numbers, checked to fit `dtype` where they could overflow it. */
function typedValues(data: ArrayBufferView, dtype: DType): ArrayLike<number> {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return Array.from(data as ArrayLike<bigint>, (v, i) => {
      if (dtype === "int32" && (v > 2147483647n || v < -2147483648n)) throw new DTypeError(`tensor: ${data.constructor.name} value ${v} at index ${i} does not fit int32 (the widest integer dtype); convert it to Float64Array first`);
      return Number(v);
    });
  }
  if (data instanceof DataView) throw new DTypeError("tensor: a DataView has no element type; pass a typed array (Float32Array, Int32Array, Uint8Array …)");
  const values = data as unknown as ArrayLike<number>;
  if (dtype === "int32" && data instanceof Uint32Array) {
    const i = data.findIndex((v) => v > 2147483647);
    if (i >= 0) throw new DTypeError(`tensor: Uint32Array value ${data[i]} at index ${i} does not fit int32 (the widest integer dtype); convert it to Float64Array first`);
  }
  return values;
}

/** One JS value of a nested array: a number or boolean, or a typed error naming where it was. */
function scalarItem(v: unknown, at: () => string): number | boolean {
  if (typeof v === "number" || typeof v === "boolean") return v;
  const what = v === undefined ? "undefined" : v === null ? "null" : typeof v === "string" ? `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}` : `a ${typeof v}`;
  throw new DTypeError(`tensor: expected numbers or booleans, got ${what} at ${at()}`);
}

/**
 * `tg.tensor(data, {dtype, requiresGrad, shape})`. JS numbers become float32 (JS cannot tell 1 from
 * 1.0, so we follow TensorFlow.js rather than PyTorch's int inference); booleans become bool; a typed
 * array keeps its values (floats their width, integers int32, see dtypeOfArray) and may be given a
 * shape. Anything else (strings, undefined, ragged nesting) is a typed error, never NaN.
 */
export function tensor(
  data: NestedArray | ArrayBufferView | readonly number[],
  opts: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  let flat: ArrayLike<number>;
  let shape: number[];
  let dtype = opts.dtype === undefined ? undefined : checkDType(opts.dtype, "tensor");
  if (ArrayBuffer.isView(data)) {
    dtype ??= dtypeOfArray(data);
    if (dtype === undefined) throw new DTypeError(`tensor: unsupported typed array ${data.constructor.name}; use a Float32Array, Float64Array or an integer typed array`);
    flat = typedValues(data, dtype);
    shape = opts.shape ? checkShape(opts.shape, "tensor") : [flat.length];
  } else {
    if (typeof data !== "number" && typeof data !== "boolean" && !Array.isArray(data)) scalarItem(data, () => "the top level");
    shape = inferShape(data as NestedArray);
    const items: (number | boolean)[] = [];
    flatten(data as NestedArray, shape, items, 0);
    dtype ??= items.length > 0 && items.every((v) => typeof v === "boolean") ? "bool" : "float32";
    flat = items.map(Number);
    if (opts.shape) shape = checkShape(opts.shape, "tensor");
  }
  if (numel(shape) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values cannot fill shape ${fmtShape(shape)}`);
  }
  // fromArray copies, so a typed array already of the dtype's kind goes in as it is.
  let arr: AnyTypedArray;
  if (flat instanceof arrayConstructor(dtype)) arr = flat as AnyTypedArray;
  else {
    arr = allocArray(dtype, flat.length);
    if (ArrayBuffer.isView(flat)) arr.set(flat as AnyTypedArray);
    else for (let i = 0; i < flat.length; i++) arr[i] = flat[i]!;
  }
  return finish(backendOf(opts, "tensor").fromArray(arr, dtype), shape, opts);
}

/** A 0-d tensor on a given backend (used to lift JS numbers into ops). */
export function scalar(value: number, dtype: DType, backend: Backend = getBackend()): Tensor {
  return new Tensor(backend.fill(1, value, dtype), [], [], 0);
}

function checkGradDType(opts: CreateOptions, dtype: DType, op: string): void {
  if (opts.requiresGrad && !isFloating(dtype)) {
    throw new DTypeError(`${op}: only floating point tensors can require gradients, got dtype ${dtype}`);
  }
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  checkShape(shape, "full");
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype, "full") : typeof value === "boolean" ? "bool" : "float32";
  checkGradDType(opts, dtype, "full");
  return finish(backendOf(opts, "full").fill(numel(shape), Number(value), dtype), shape, opts);
}

/**
 * A shape given as PyTorch allows: one array (`zeros([2, 3])`) or the sizes themselves
 * (`zeros(2, 3)`), optionally followed by the options object.
 */
export type SizeArgs<O> = [shape: readonly number[], opts?: O] | [...sizes: number[]] | [...sizes: number[], opts: O];

function sizeArgs<O extends object>(args: SizeArgs<O>, op: string): [number[], O] {
  const last = args[args.length - 1];
  const opts = (typeof last === "object" && last !== null && !Array.isArray(last) ? last : {}) as O;
  const rest = opts === last ? args.slice(0, -1) : args;
  if (rest.length === 1 && Array.isArray(rest[0])) return [[...(rest[0] as readonly number[])], opts];
  if (!rest.every((d) => typeof d === "number")) throw new ShapeError(`${op}: give the shape as an array ([2, 3]) or as sizes (2, 3), got ${JSON.stringify(rest)}`);
  return [rest as number[], opts];
}

/** Zeros of a shape: `zeros([2, 3])`, `zeros(2, 3)`, `zeros(2, 3, {dtype: "int32"})`. */
export const zeros = (...args: SizeArgs<CreateOptions>): Tensor => {
  const [shape, opts] = sizeArgs(args, "zeros");
  return full(shape, 0, opts);
};
/** Ones of a shape, given as zeros' is. */
export const ones = (...args: SizeArgs<CreateOptions>): Tensor => {
  const [shape, opts] = sizeArgs(args, "ones");
  return full(shape, 1, opts);
};

/** `arange(end)`, `arange(start, end)` or `arange(start, end, step)`; dtype float32 unless given. */
export function arange(a: number, b?: number, step = 1, opts: CreateOptions = {}): Tensor {
  const [start, end] = b === undefined ? [0, a] : [a, b];
  if (step === 0) throw new ValueError("arange: step must be nonzero");
  if ((end - start) / step < 0) throw new ValueError(`arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype, "arange") : "float32";
  return finish(backendOf(opts, "arange").arange(n, start, step, dtype), [n], opts);
}

/** `steps` evenly spaced values from start to end inclusive (PyTorch's symmetric formula). */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype, "linspace") : "float32";
  // NOTE: the first half counts up from start and the second down from end, so both ends are exact.
  const out = allocArray("float64", steps);
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i);
  return tensor(out, { ...opts, dtype });
}

export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  checkShape([n, m], "eye");
  const rows = arange(n, undefined, 1, { dtype: "int32", device: opts.device }).unsqueeze(1);
  const cols = arange(m, undefined, 1, { dtype: "int32", device: opts.device });
  const out = rows.eq(cols).to(opts.dtype ?? "float32");
  if (opts.requiresGrad) out.requiresGrad = true;
  return out;
}

function random(shape: readonly number[], opts: RandomOptions, dist: "uniform" | "normal", op: string): Tensor {
  checkShape(shape, op);
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype, op) : "float32";
  if (!isFloating(dtype)) throw new DTypeError(`${op}: dtype must be floating point, got ${dtype}`);
  const gen = opts.generator ?? defaultGenerator;
  const n = numel(shape);
  return finish(backendOf(opts, op).random(n, dist, gen.seed, gen.take(n), dtype), shape, opts);
}

/**
 * The uniform draws `rand(shape)` makes at counters offset, offset + 1, … of a (folded) generator
 * seed, on x's backend and in its dtype: a dropout mask drawn again for its gradient.
 */
export function randAt(shape: readonly number[], seed: number, offset: number, like: Tensor): Tensor {
  return finish(like.backend.random(numel(shape), "uniform", seed, offset, like.dtype), shape, {});
}

/** Uniform on [0, 1). */
export const rand = (...args: SizeArgs<RandomOptions>): Tensor => random(...sizeArgs(args, "rand"), "uniform", "rand");
/** Standard normal. */
export const randn = (...args: SizeArgs<RandomOptions>): Tensor => random(...sizeArgs(args, "randn"), "normal", "randn");

/** Integers uniform on [low, high); int32 unless a dtype is given. */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!(high > low)) throw new ValueError(`randint: high (${high}) must be greater than low (${low})`);
  // Drawn in float64 on the CPU (a GPU has no float64), then moved to the device asked for.
  const u = random(shape, { ...opts, dtype: "float64", requiresGrad: false, device: "cpu" }, "uniform", "randint");
  return u.mul(high - low).floor().add(low).to(opts.dtype ?? "int32").toBackend(backendOf(opts, "randint"));
}

/** A random permutation of 0 … n − 1 (int32 unless a dtype is given), as torch.randperm. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`randperm: n must be a non-negative integer, got ${n}`);
  return tensor((opts.generator ?? defaultGenerator).permutation(n), { dtype: "int32", device: opts.device }).to(opts.dtype ?? "int32");
}

type LikeOptions = CreateOptions;
// On t's device, as PyTorch's *_like.
const like = (t: Tensor, opts: LikeOptions): CreateOptions => ({ dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.backend, ...(opts.requiresGrad ? { requiresGrad: true } : {}) });

export const zerosLike = (t: Tensor, opts: LikeOptions = {}): Tensor => zeros(t.shape, like(t, opts));
export const onesLike = (t: Tensor, opts: LikeOptions = {}): Tensor => ones(t.shape, like(t, opts));
export const fullLike = (t: Tensor, value: number, opts: LikeOptions = {}): Tensor => full(t.shape, value, like(t, opts));
export const randLike = (t: Tensor, opts: RandomOptions = {}): Tensor => rand(t.shape, { ...opts, ...like(t, opts) });
export const randnLike = (t: Tensor, opts: RandomOptions = {}): Tensor => randn(t.shape, { ...opts, ...like(t, opts) });
export const randintLike = (t: Tensor, low: number, high: number, opts: RandomOptions = {}): Tensor =>
  randint(low, high, t.shape, { ...opts, ...like(t, opts) });

/** zeros: JS memory is never uninitialised, so torch.empty's contents are zeros here. */
export const empty = (...args: SizeArgs<CreateOptions>): Tensor => zeros(...args);
export const emptyLike = (t: Tensor, opts: LikeOptions = {}): Tensor => zerosLike(t, opts);

/** start, start + step, … up to and including end (PyTorch's deprecated torch.range; prefer arange). */
export function range(start: number, end: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`range: step must be finite and non-zero, got ${step}`);
  const n = Math.floor((end - start) / step + 1e-9) + 1;
  return arange(0, Math.max(0, n), 1, { dtype: "float64" }).mul(step).add(start).to(opts.dtype ?? "float32");
}

/** base^linspace(start, end, steps). */
export function logspace(start: number, end: number, steps: number, base = 10, opts: CreateOptions = {}): Tensor {
  // Computed in float64 on the CPU, rounded once into the dtype and device asked for.
  const values = linspace(start, end, steps, { dtype: "float64", device: "cpu" }).mul(Math.log(base)).exp().dataSync();
  return tensor(values, { ...opts, dtype: opts.dtype ?? "float32" });
}

/** Zeros of `shape` laid out in memory in `physicalLayout`'s dim order (torch.empty_permuted): a permuted view. */
export function emptyPermuted(shape: readonly number[], physicalLayout: readonly number[], opts: CreateOptions = {}): Tensor {
  if (physicalLayout.length !== shape.length || [...physicalLayout].sort((a, b) => a - b).some((d, i) => d !== i)) {
    throw new ValueError(`emptyPermuted: physicalLayout must be a permutation of 0…${shape.length - 1}, got [${physicalLayout.join(", ")}]`);
  }
  const inverse = physicalLayout.map((_, i) => physicalLayout.indexOf(i));
  return zeros(physicalLayout.map((d) => shape[d]!), opts).permute(...inverse);
}

/** Zeros of `shape` with the given strides (torch.empty_strided), for strides that order the dims densely (a permuted layout). */
export function emptyStrided(shape: readonly number[], strides: readonly number[], opts: CreateOptions = {}): Tensor {
  if (strides.length !== shape.length) throw new ValueError(`emptyStrided: ${strides.length} strides for ${shape.length} dims`);
  const order = shape.map((_, i) => i).sort((a, b) => strides[b]! - strides[a]! || a - b); // outermost first
  const t = emptyPermuted(shape, order, opts);
  if (t.strides.some((s, i) => shape[i]! > 1 && s !== strides[i])) {
    throw new ValueError(`emptyStrided: strides [${strides.join(", ")}] are not a dense layout of shape [${shape.join(", ")}] (tensorgrad has no as_strided)`);
  }
  return t;
}
