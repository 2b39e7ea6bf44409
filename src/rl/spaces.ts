/**
 * Gymnasium's spaces in camelCase: the set an action or observation lives in, with `sample()`,
 * `contains()` and its own seedable random stream. Values are plain JS: a number for `Discrete`,
 * a Float32Array (or Float64Array / Int32Array, by dtype) for `Box`, an Int32Array for
 * `MultiDiscrete`, an Int8Array for `MultiBinary`, an array for `Tuple` and an object for `Dict`.
 */
import { Generator, normalAt } from "../base/rng.js";
import { ValueError, fmtShape } from "../base/errors.js";

export type BoxDType = "float32" | "float64" | "int32";
export type BoxValue = Float32Array | Float64Array | Int32Array;

let spaceSeeds = 0x5eed;
/** An unseeded space still gets its own stream, so two spaces never draw the same numbers. */
const freshGenerator = () => new Generator((spaceSeeds = (spaceSeeds * 1103515245 + 12345) % 2147483648));

export abstract class Space<T> {
  /** The space's random stream (Gymnasium's `np_random`). */
  rng: Generator = freshGenerator();
  abstract readonly shape: readonly number[];
  /** A random element (uniform where the space is bounded). */
  abstract sample(): T;
  /** Whether x is an element: right type, right shape, inside the bounds. */
  abstract contains(x: unknown): x is T;
  /** Reseeds the space's stream; returns the seeds used (one per sub-space for composites). */
  seed(seed?: number): number[] {
    const s = seed ?? Math.floor(Math.random() * 2 ** 31);
    this.rng = new Generator(s);
    return [s];
  }
  /** A readable description for error messages. */
  abstract toString(): string;
}

/** The integers start, start + 1, …, start + n − 1. */
export class Discrete extends Space<number> {
  readonly shape: readonly number[] = [];
  constructor(readonly n: number, readonly start = 0) {
    super();
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(`Discrete: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(start)) throw new ValueError(`Discrete: start must be an integer, got ${start}`);
  }
  sample(): number {
    return this.start + this.rng.randomInt(this.n);
  }
  contains(x: unknown): x is number {
    return typeof x === "number" && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }
  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

const boxArray = (dtype: BoxDType, n: number): BoxValue =>
  dtype === "float64" ? new Float64Array(n) : dtype === "int32" ? new Int32Array(n) : new Float32Array(n);

/**
 * A box in R^n: `new Box(low, high)` with arrays, or `new Box(-1, 1, [3])` with scalars and a shape.
 * Bounds may be ±Infinity; `sample()` then draws as Gymnasium does: uniform where both bounds are
 * finite, normal where neither is, shifted exponential where one is.
 */
export class Box extends Space<BoxValue> {
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly shape: readonly number[];
  readonly size: number;

  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    shape?: readonly number[],
    readonly dtype: BoxDType = "float32",
  ) {
    super();
    const lowLen = typeof low === "number" ? undefined : low.length;
    const highLen = typeof high === "number" ? undefined : high.length;
    this.shape = shape ?? [lowLen ?? highLen ?? 1];
    this.size = this.shape.reduce((a, b) => a * b, 1);
    for (const [name, len] of [["low", lowLen], ["high", highLen]] as const) {
      if (len !== undefined && len !== this.size) {
        throw new ValueError(`Box: ${name} has ${len} values but the shape ${fmtShape(this.shape)} holds ${this.size}`);
      }
    }
    const round = (v: number) => (dtype === "float32" ? Math.fround(v) : v);
    this.low = Float64Array.from({ length: this.size }, (_, i) => round(typeof low === "number" ? low : low[i]!));
    this.high = Float64Array.from({ length: this.size }, (_, i) => round(typeof high === "number" ? high : high[i]!));
    for (let i = 0; i < this.size; i++) {
      if (!(this.low[i]! <= this.high[i]!)) throw new ValueError(`Box: low[${i}] = ${this.low[i]} is above high[${i}] = ${this.high[i]}`);
    }
  }

  /** Whether every coordinate has finite bounds on the given side(s). */
  isBounded(manner: "both" | "below" | "above" = "both"): boolean {
    const below = this.low.every(Number.isFinite);
    const above = this.high.every(Number.isFinite);
    return manner === "both" ? below && above : manner === "below" ? below : above;
  }

  sample(): BoxValue {
    const out = boxArray(this.dtype, this.size);
    const high = this.dtype === "int32" ? this.high.map((h) => h + 1) : this.high;
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = high[i]!;
      let v: number;
      if (Number.isFinite(lo) && Number.isFinite(hi)) v = lo + this.rng.random() * (hi - lo);
      else if (!Number.isFinite(lo) && !Number.isFinite(hi)) v = normalAt(this.rng.seed, this.rng.take(1));
      else {
        const e = -Math.log(1 - this.rng.random());
        v = Number.isFinite(lo) ? lo + e : hi - e;
      }
      out[i] = this.dtype === "int32" ? Math.floor(Math.min(v, this.high[i]!)) : v;
    }
    return out;
  }

  contains(x: unknown): x is BoxValue {
    if (!(x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array || Array.isArray(x))) return false;
    const v = x as ArrayLike<unknown>;
    if (v.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const e = v[i];
      if (typeof e !== "number" || !(e >= this.low[i]! && e <= this.high[i]!)) return false;
      if (this.dtype === "int32" && !Number.isInteger(e)) return false;
    }
    return true;
  }

  toString(): string {
    const bound = (a: Float64Array) => (a.every((v) => v === a[0]) ? String(a[0]) : `[${Array.from(a).join(", ")}]`);
    return `Box(${bound(this.low)}, ${bound(this.high)}, ${fmtShape(this.shape)}, ${this.dtype})`;
  }
}

/** Several discrete choices at once: coordinate i ranges over 0 … nvec[i] − 1. */
export class MultiDiscrete extends Space<Int32Array> {
  readonly nvec: Int32Array;
  readonly shape: readonly number[];
  constructor(nvec: ArrayLike<number>) {
    super();
    this.nvec = Int32Array.from(nvec);
    this.shape = [this.nvec.length];
    this.nvec.forEach((n, i) => {
      if (n <= 0 || n !== nvec[i]) throw new ValueError(`MultiDiscrete: nvec[${i}] must be a positive integer, got ${nvec[i]}`);
    });
  }
  sample(): Int32Array {
    return this.nvec.map((n) => this.rng.randomInt(n));
  }
  contains(x: unknown): x is Int32Array {
    if (!(x instanceof Int32Array || Array.isArray(x)) || x.length !== this.nvec.length) return false;
    return Array.from(x as ArrayLike<unknown>).every((v, i) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < this.nvec[i]!);
  }
  toString(): string {
    return `MultiDiscrete([${Array.from(this.nvec).join(", ")}])`;
  }
}

/** n independent bits. */
export class MultiBinary extends Space<Int8Array> {
  readonly shape: readonly number[];
  constructor(readonly n: number) {
    super();
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(`MultiBinary: n must be a positive integer, got ${n}`);
    this.shape = [n];
  }
  sample(): Int8Array {
    return Int8Array.from({ length: this.n }, () => this.rng.randomInt(2));
  }
  contains(x: unknown): x is Int8Array {
    if (!(x instanceof Int8Array || Array.isArray(x)) || x.length !== this.n) return false;
    return Array.from(x as ArrayLike<unknown>).every((v) => v === 0 || v === 1);
  }
  toString(): string {
    return `MultiBinary(${this.n})`;
  }
}

/** Seeds each sub-space from one seed, as Gymnasium's composite spaces do. */
function seedAll(spaces: Space<unknown>[], seed: number | undefined): number[] {
  const root = new Generator(seed ?? Math.floor(Math.random() * 2 ** 31));
  return spaces.flatMap((s) => s.seed(root.randomInt(2 ** 31)));
}

/** A fixed-length list of spaces; an element is an array with one value from each. */
export class Tuple extends Space<unknown[]> {
  readonly shape: readonly number[] = [];
  constructor(readonly spaces: readonly Space<unknown>[]) {
    super();
  }
  sample(): unknown[] {
    return this.spaces.map((s) => s.sample());
  }
  contains(x: unknown): x is unknown[] {
    return Array.isArray(x) && x.length === this.spaces.length && this.spaces.every((s, i) => s.contains(x[i]));
  }
  override seed(seed?: number): number[] {
    return seedAll([...this.spaces], seed);
  }
  toString(): string {
    return `Tuple(${this.spaces.join(", ")})`;
  }
}

/** Named spaces; an element is an object with one value per key. */
export class Dict extends Space<Record<string, unknown>> {
  readonly shape: readonly number[] = [];
  constructor(readonly spaces: Readonly<Record<string, Space<unknown>>>) {
    super();
  }
  sample(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.spaces).map(([k, s]) => [k, s.sample()]));
  }
  contains(x: unknown): x is Record<string, unknown> {
    if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
    const keys = Object.keys(this.spaces);
    const obj = x as Record<string, unknown>;
    return Object.keys(obj).length === keys.length && keys.every((k) => this.spaces[k]!.contains(obj[k]));
  }
  override seed(seed?: number): number[] {
    return seedAll(Object.values(this.spaces), seed);
  }
  toString(): string {
    return `Dict(${Object.entries(this.spaces).map(([k, s]) => `${k}: ${s}`).join(", ")})`;
  }
}

/** Number of scalars in an element once flattened (Gymnasium's `flatdim`); Discrete counts as one-hot n. */
export function flatdim(space: Space<unknown>): number {
  if (space instanceof Discrete) return space.n;
  if (space instanceof Box) return space.size;
  if (space instanceof MultiDiscrete) return space.nvec.reduce((a, b) => a + b, 0);
  if (space instanceof MultiBinary) return space.n;
  if (space instanceof Tuple) return space.spaces.reduce((a, s) => a + flatdim(s), 0);
  if (space instanceof Dict) return Object.values(space.spaces).reduce((a, s) => a + flatdim(s), 0);
  throw new ValueError(`flatdim: unsupported space ${space}`);
}

/** Describes a value briefly for an error message. */
export function describeValue(x: unknown): string {
  if (ArrayBuffer.isView(x)) return `${x.constructor.name} [${Array.from(x as unknown as ArrayLike<number>).slice(0, 8).join(", ")}${(x as unknown as ArrayLike<number>).length > 8 ? ", …" : ""}]`;
  if (Array.isArray(x)) return `[${x.slice(0, 8).map(describeValue).join(", ")}${x.length > 8 ? ", …" : ""}]`;
  if (typeof x === "object" && x !== null) return `{${Object.keys(x).join(", ")}}`;
  return String(x);
}
