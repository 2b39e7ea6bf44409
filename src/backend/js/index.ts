/**
 * The reference backend: plain TypeScript loops over typed arrays, never optimised, only correct.
 * It is the specification that faster backends are tested against (test/backends/conformance).
 * Maths runs in float64 and rounds once on store.
 */
import { allocArray, arrayConstructor, type AnyTypedArray, type DType } from "../../base/dtype.js";
import { IndexError, TensorgradError } from "../../base/errors.js";
import { trackStorage } from "../../base/scope.js";
import { contiguousStrides, numel } from "../../base/shape.js";
import { normalAt, uniformAt } from "../../base/rng.js";
import {
  concatByAssign, padByAssign, windowGrid,
  type ArgReduceOp, type Backend, type ScatterReduceOp, type BinaryOp, type RandomDistribution, type ReduceOp, type Storage,
  type UnaryOp, type View, type WindowGeometry,
} from "../backend.js";
import { givesBool } from "../../base/op-table.js";
import { erf, roundHalfEven } from "./math.js";
import { offsetsOf } from "./strided.js";

export class JsStorage implements Storage {
  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    private buffer: AnyTypedArray | null,
  ) {}

  get size(): number {
    return this.data.length;
  }

  get data(): AnyTypedArray {
    if (this.buffer === null) throw new TensorgradError("this tensor's storage was disposed");
    return this.buffer;
  }

  release(): void {
    this.buffer = null;
  }
}

/** scatterReduce's combinations; Math.max/min carry NaN through, as PyTorch's amax/amin do. */
const SCATTER_REDUCE: Record<ScatterReduceOp, (a: number, b: number) => number> = {
  amax: Math.max,
  amin: Math.min,
  prod: (a, b) => a * b,
};

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x <= 0 ? 0 : x),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  logicalNot: (x) => (x === 0 ? 1 : 0),
  bitwiseNot: (x) => ~x,
};

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)),
  minimum: (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)),
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
  logicalAnd: (a, b) => +(a !== 0 && b !== 0),
  logicalOr: (a, b) => +(a !== 0 || b !== 0),
  logicalXor: (a, b) => +((a !== 0) !== (b !== 0)),
  bitwiseAnd: (a, b) => a & b,
  bitwiseOr: (a, b) => a | b,
  bitwiseXor: (a, b) => a ^ b,
  // PyTorch's shifts by ≥ 32 (or < 0) give 0, or the sign for >>, where JS would shift mod 32.
  bitwiseLeftShift: (a, b) => (b < 0 || b >= 32 ? 0 : a << b),
  bitwiseRightShift: (a, b) => (b < 0 || b >= 32 ? (a < 0 ? -1 : 0) : a >> b),
};


/** int32 arithmetic wraps like C's int32_t; division of ints never reaches a kernel (it promotes). */
const INT_BINARY: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  mul: Math.imul,
  pow: (a, b) => (b < 0 ? (a === 1 ? 1 : a === -1 ? (b % 2 ? -1 : 1) : 0) : Math.pow(a, b) | 0),
};

/**
 * The backend the reference loops serve as its fallback. They keep their outputs in its memory, as
 * JsStorage whose `data` is a typed array over it (the wasm heap). For their building blocks they
 * call its own fill, copy and assign: pad, concat, toArray, scatterAdd and col2im copy through
 * the host's strided kernels rather than through these loops.
 */
export interface HostMemory {
  readonly backend: Backend;
  /** New storage holding a copy of data. */
  make(dtype: DType, data: AnyTypedArray): JsStorage;
  /** New storage of `size` elements, every one of which the caller writes. */
  empty(dtype: DType, size: number): JsStorage;
}

export class JsBackend implements Backend {
  readonly name: string = "js";
  readonly fallback = null;
  readonly numThreads = 1;

  /** On its own (memory null) the reference keeps plain typed arrays; serving a backend, that backend's memory. */
  constructor(private readonly memory: HostMemory | null = null) {}

  /** The backend whose fill/copy/assign the composite kernels use: the one served, or this one. */
  private get host(): Backend {
    return this.memory?.backend ?? this;
  }

  supportsDType(_dtype: DType): boolean {
    return true;
  }

  owns(): boolean {
    return true;
  }

  setNumThreads(_n: number): void {}

  private data(v: View): AnyTypedArray {
    return (v.storage as JsStorage).data;
  }

  /** Wraps a kernel's output array as storage. */
  private make(dtype: DType, data: AnyTypedArray): JsStorage {
    if (this.memory) return this.memory.make(dtype, data);
    const s = new JsStorage(this, dtype, data);
    trackStorage(s);
    return s;
  }

  /** New storage of `size` elements whose contents the caller overwrites (zeros here). */
  private empty(dtype: DType, size: number): JsStorage {
    return this.memory ? this.memory.empty(dtype, size) : this.make(dtype, allocArray(dtype, size));
  }

  fromArray(data: AnyTypedArray, dtype: DType): Storage {
    // Serving a backend, its memory copies the values in; a bool is normalised to 0/1 first.
    if (this.memory && dtype !== "bool" && data instanceof arrayConstructor(dtype)) return this.memory.make(dtype, data);
    const out = allocArray(dtype, data.length);
    if (dtype === "bool") for (let i = 0; i < data.length; i++) out[i] = +(data[i] !== 0);
    else out.set(data);
    return this.make(dtype, out);
  }

  toArray(v: View): AnyTypedArray {
    return (this.host.copy(v) as JsStorage).data;
  }

  dispose(storage: Storage): void {
    (storage as JsStorage).release();
  }

  fill(size: number, value: number, dtype: DType): Storage {
    return this.make(dtype, allocArray(dtype, size).fill(dtype === "bool" ? +(value !== 0) : value));
  }

  arange(size: number, start: number, step: number, dtype: DType): Storage {
    const out = allocArray(dtype, size);
    for (let i = 0; i < size; i++) out[i] = start + i * step;
    return this.make(dtype, out);
  }

  random(size: number, dist: RandomDistribution, seed: number, offset: number, dtype: DType): Storage {
    const out = allocArray(dtype, size);
    const draw = dist === "uniform" ? uniformAt : normalAt;
    for (let i = 0; i < size; i++) out[i] = draw(seed, offset + i);
    return this.make(dtype, out);
  }

  copy(x: View): Storage {
    return this.cast(x, x.storage.dtype);
  }

  cast(x: View, dtype: DType): Storage {
    const src = this.data(x);
    const offs = offsetsOf(x.shape, x.strides, x.offset);
    const out = allocArray(dtype, offs.length);
    if (dtype === "bool") for (let i = 0; i < offs.length; i++) out[i] = +(src[offs[i]!] !== 0);
    else if (dtype === "int32") for (let i = 0; i < offs.length; i++) out[i] = Math.trunc(src[offs[i]!]!);
    else for (let i = 0; i < offs.length; i++) out[i] = src[offs[i]!]!;
    return this.make(dtype, out);
  }

  unary(op: UnaryOp, x: View): Storage {
    const f = UNARY[op];
    const src = this.data(x);
    const offs = offsetsOf(x.shape, x.strides, x.offset);
    const out = allocArray(givesBool(op) ? "bool" : x.storage.dtype, offs.length);
    for (let i = 0; i < offs.length; i++) out[i] = f(src[offs[i]!]!);
    return this.make(givesBool(op) ? "bool" : x.storage.dtype, out);
  }

  binary(op: BinaryOp, a: View, b: View): Storage {
    const dtype = a.storage.dtype;
    const f = (dtype === "int32" && INT_BINARY[op]) || BINARY[op];
    const da = this.data(a);
    const db = this.data(b);
    const oa = offsetsOf(a.shape, a.strides, a.offset);
    const ob = offsetsOf(b.shape, b.strides, b.offset);
    const outDtype = givesBool(op) ? "bool" : dtype;
    const out = allocArray(outDtype, oa.length);
    for (let i = 0; i < oa.length; i++) out[i] = f(da[oa[i]!]!, db[ob[i]!]!);
    return this.make(outDtype, out);
  }

  where(cond: View, a: View, b: View): Storage {
    const dc = this.data(cond);
    const da = this.data(a);
    const db = this.data(b);
    const oc = offsetsOf(cond.shape, cond.strides, cond.offset);
    const oa = offsetsOf(a.shape, a.strides, a.offset);
    const ob = offsetsOf(b.shape, b.strides, b.offset);
    const out = allocArray(a.storage.dtype, oc.length);
    for (let i = 0; i < oc.length; i++) out[i] = dc[oc[i]!] ? da[oa[i]!]! : db[ob[i]!]!;
    return this.make(a.storage.dtype, out);
  }

  /** Visits x with the reduced axes moved last, so each output element owns a consecutive run. */
  private grouped(x: View, axes: readonly number[]): { offs: Int32Array; groups: number; len: number } {
    const keep = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const order = [...keep, ...axes];
    const offs = offsetsOf(order.map((d) => x.shape[d]!), order.map((d) => x.strides[d]!), x.offset);
    const len = numel(axes.map((d) => x.shape[d]!));
    const groups = numel(keep.map((d) => x.shape[d]!));
    return { offs, groups, len };
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[]): Storage {
    const src = this.data(x);
    const { offs, groups, len } = this.grouped(x, axes);
    const dtype = x.storage.dtype;
    const intProd = dtype === "int32" && op === "prod";
    const out = allocArray(dtype, groups);
    for (let g = 0; g < groups; g++) {
      let acc = op === "sum" ? 0 : op === "prod" ? 1 : op === "max" ? -Infinity : Infinity;
      for (let j = 0; j < len; j++) {
        const v = src[offs[g * len + j]!]!;
        if (op === "sum") acc += v;
        else if (op === "prod") acc = intProd ? Math.imul(acc, v) : acc * v;
        else if (v !== v) acc = NaN;
        else if (op === "max" ? v > acc : v < acc) acc = v;
      }
      out[g] = acc;
    }
    return this.make(dtype, out);
  }

  argReduce(op: ArgReduceOp, x: View, axis: number): Storage {
    const src = this.data(x);
    const { offs, groups, len } = this.grouped(x, [axis]);
    const out = new Int32Array(groups);
    for (let g = 0; g < groups; g++) {
      let best = src[offs[g * len]!]!;
      let at = 0;
      for (let j = 1; j < len && best === best; j++) {
        const v = src[offs[g * len + j]!]!;
        if (v !== v || (op === "argmax" ? v > best : v < best)) {
          best = v;
          at = j;
        }
      }
      out[g] = at;
    }
    return this.make("int32", out);
  }

  argsort(x: View, axis: number, descending: boolean): Storage {
    const src = this.data(x);
    const { offs, groups, len } = this.grouped(x, [axis]);
    const out = new Int32Array(groups * len);
    const order = Array.from({ length: len }, (_, j) => j);
    for (let g = 0; g < groups; g++) {
      const value = (j: number) => src[offs[g * len + j]!]!;
      // NaN sorts as the largest value; ties keep their order (Array.prototype.sort is stable).
      const sign = descending ? -1 : 1;
      order.sort((i, j) => {
        const a = value(i);
        const b = value(j);
        const nanA = a !== a;
        const nanB = b !== b;
        if (nanA || nanB) return nanA === nanB ? i - j : sign * (nanA ? 1 : -1);
        return (a === b ? 0 : sign * (a < b ? -1 : 1)) || i - j;
      });
      out.set(order, g * len);
      for (let j = 0; j < len; j++) order[j] = j;
    }
    return this.make("int32", out);
  }

  argmode(x: View, axis: number): Storage {
    const src = this.data(x);
    const { offs, groups, len } = this.grouped(x, [axis]);
    const order = this.data({ storage: this.argsort(x, axis, false), shape: [groups * len], strides: [1], offset: 0 });
    const out = new Int32Array(groups);
    for (let g = 0; g < groups; g++) {
      const at = (k: number) => order[g * len + k]!;
      const value = (k: number) => src[offs[g * len + at(k)]!]!;
      const same = (a: number, b: number) => a === b || (a !== a && b !== b);
      // Runs of equal values in ascending order: the longest wins, the first (smallest) on ties;
      // its last element is the value's last occurrence (the sort is stable).
      let best = 0;
      let bestCount = 0;
      for (let start = 0; start < len; ) {
        let end = start + 1;
        while (end < len && same(value(end), value(start))) end++;
        if (end - start > bestCount) [best, bestCount] = [end - 1, end - start];
        start = end;
      }
      out[g] = len ? at(best) : 0;
    }
    return this.make("int32", out);
  }

  matmul(a: View, b: View): Storage {
    const [B, M, K] = a.shape as [number, number, number];
    const N = b.shape[2]!;
    const [sab, sam, sak] = a.strides as [number, number, number];
    const [sbb, sbk, sbn] = b.strides as [number, number, number];
    const da = this.data(a);
    const db = this.data(b);
    const dtype = a.storage.dtype;
    const out = allocArray(dtype, B * M * N);
    for (let bi = 0; bi < B; bi++) {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          let pa = a.offset + bi * sab + i * sam;
          let pb = b.offset + bi * sbb + j * sbn;
          for (let k = 0; k < K; k++, pa += sak, pb += sbk) acc += da[pa]! * db[pb]!;
          out[(bi * M + i) * N + j] = acc;
        }
      }
    }
    return this.make(dtype, out);
  }

  /** Offsets into x for each index position, with the gathered dim's contribution left out. */
  private alongDim(x: View, dim: number, index: View): { base: Int32Array; idx: Int32Array } {
    const strides = x.strides.map((s, d) => (d === dim ? 0 : s));
    const base = offsetsOf(index.shape, strides, x.offset);
    const di = this.data(index);
    const oi = offsetsOf(index.shape, index.strides, index.offset);
    const size = x.shape[dim]!;
    const idx = new Int32Array(oi.length);
    for (let i = 0; i < oi.length; i++) {
      const v = di[oi[i]!]!;
      // Negative indices are errors here, as in PyTorch's gather/scatter/index_select.
      if (v < 0 || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
      idx[i] = v;
    }
    return { base, idx };
  }

  gather(x: View, dim: number, index: View): Storage {
    const src = this.data(x);
    const { base, idx } = this.alongDim(x, dim, index);
    const out = allocArray(x.storage.dtype, base.length);
    const s = x.strides[dim]!;
    for (let i = 0; i < base.length; i++) out[i] = src[base[i]! + idx[i]! * s]!;
    return this.make(x.storage.dtype, out);
  }

  scatterAdd(baseView: View, dim: number, index: View, src: View): Storage {
    const out = this.host.copy(baseView) as JsStorage;
    const contiguous: View = { storage: out, shape: baseView.shape, strides: contiguousStrides(baseView.shape), offset: 0 };
    const { base, idx } = this.alongDim(contiguous, dim, index);
    const ds = this.data(src);
    const os = offsetsOf(index.shape, src.strides, src.offset);
    const s = contiguous.strides[dim]!;
    const o = out.data;
    for (let i = 0; i < base.length; i++) {
      const at = base[i]! + idx[i]! * s;
      o[at] = o[at]! + ds[os[i]!]!;
    }
    return out;
  }

  scatterReduce(baseView: View, dim: number, index: View, src: View, reduce: ScatterReduceOp, includeSelf: boolean): Storage {
    const dtype = baseView.storage.dtype;
    const o = allocArray(dtype, numel(baseView.shape));
    const db = this.data(baseView);
    offsetsOf(baseView.shape, baseView.strides, baseView.offset).forEach((at, i) => (o[i] = db[at]!));
    const contiguous: View = { storage: baseView.storage, shape: baseView.shape, strides: contiguousStrides(baseView.shape), offset: 0 };
    const { base, idx } = this.alongDim(contiguous, dim, index);
    const ds = this.data(src);
    const os = offsetsOf(index.shape, src.strides, src.offset);
    const s = contiguous.strides[dim]!;
    const combine = reduce === "prod" && dtype === "int32" ? Math.imul : SCATTER_REDUCE[reduce];
    const seen = includeSelf ? null : new Uint8Array(o.length);
    for (let i = 0; i < base.length; i++) {
      const at = base[i]! + idx[i]! * s;
      const v = ds[os[i]!]!;
      if (seen !== null && seen[at] === 0) {
        seen[at] = 1;
        o[at] = v;
      } else o[at] = combine(o[at]!, v);
    }
    return this.make(dtype, o);
  }

  pad(x: View, pads: readonly (readonly [number, number])[], value: number): Storage {
    return padByAssign(this.host, x, pads, value);
  }

  concat(xs: readonly View[], axis: number): Storage {
    return concatByAssign(this.host, xs, axis, (dtype, size) => this.empty(dtype, size));
  }

  assign(dst: View, src: View): void {
    const dd = this.data(dst);
    const ds = this.data(src);
    const od = offsetsOf(dst.shape, dst.strides, dst.offset);
    const os = offsetsOf(src.shape, src.strides, src.offset);
    for (let i = 0; i < od.length; i++) dd[od[i]!] = ds[os[i]!]!;
  }

  /** Calls visit(colIndex, n, c, y, x) for every window tap, with (y, x) possibly outside the input. */
  private eachTap(
    n: number, c: number, size: readonly [number, number], g: WindowGeometry,
    visit: (col: number, b: number, ch: number, y: number, x: number) => void,
  ): void {
    const [kh, kw] = g.kernel;
    const [oh, ow] = windowGrid(size, g);
    const L = oh * ow;
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const row = (ch * kh + i) * kw + j;
            for (let p = 0; p < oh; p++) {
              for (let q = 0; q < ow; q++) {
                const y = p * g.stride[0] - g.padding[0] + i * g.dilation[0];
                const x = q * g.stride[1] - g.padding[1] + j * g.dilation[1];
                visit((b * c * kh * kw + row) * L + p * ow + q, b, ch, y, x);
              }
            }
          }
        }
      }
    }
  }

  im2col(x: View, g: WindowGeometry, padValue: number, batchInner = false): Storage {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = windowGrid([h, w], g);
    const src = this.data(x);
    const [sn, sc, sh, sw] = x.strides as [number, number, number, number];
    const [K, L] = [c * g.kernel[0] * g.kernel[1], oh * ow];
    const out = allocArray(x.storage.dtype, n * K * L);
    this.eachTap(n, c, [h, w], g, (col, b, ch, y, xx) => {
      // col indexes [N, K, L]; batchInner stores at [K, N, L].
      const at = batchInner ? ((col % (K * L)) - (col % L)) * n + b * L + (col % L) : col;
      out[at] = y >= 0 && y < h && xx >= 0 && xx < w ? src[x.offset + b * sn + ch * sc + y * sh + xx * sw]! : padValue;
    });
    return this.make(x.storage.dtype, out);
  }

  col2im(cols: View, channels: number, size: readonly [number, number], g: WindowGeometry): Storage {
    const n = cols.shape[0]!;
    const [h, w] = size;
    const flat = (this.host.copy(cols) as JsStorage).data;
    const out = allocArray(cols.storage.dtype, n * channels * h * w);
    this.eachTap(n, channels, size, g, (col, b, ch, y, x) => {
      if (y >= 0 && y < h && x >= 0 && x < w) {
        const at = ((b * channels + ch) * h + y) * w + x;
        out[at] = out[at]! + flat[col]!;
      }
    });
    return this.make(cols.storage.dtype, out);
  }
}
