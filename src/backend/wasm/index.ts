/**
 * The wasm backend: tensors live in one WebAssembly.Memory (WasmHeap) and the hot kernels run in
 * WebAssembly SIMD (sources in wasm/*.ts, AssemblyScript): GEMM, float32 elementwise maths,
 * comparisons, where, reductions, argmax/argmin, gather/scatterAdd, strided copy/cast/assign (which
 * the reference pad/concat use), im2col/col2im, and a fused Adam step. What the wasm side lacks
 * (int32/bool arithmetic, float64 for gradcheck, sorting, padding, views needing more than 4
 * collapsed dims) it delegates to the reference loops, which run over the same memory (`fallback`);
 * `owns` says which kernels, dtypes and ops are the wasm code's own, and the conformance suite checks those.
 *
 * Memory: storage is freed by dispose(), by scopes (base/scope.ts), or when its tensor is
 * garbage-collected (reclaim.ts). The order "allocate the output, then take pointers" matters: a
 * memory grow detaches typed-array views, and an allocation may run a collection, which frees any
 * storage not used after it (a pointer taken before it does not keep the storage alive).
 */
import type { AnyTypedArray, DType } from "../../base/dtype.js";
import { TensorgradError } from "../../base/errors.js";
import { trackStorage } from "../../base/scope.js";
import { contiguousStrides, isContiguous, numel, shapesEqual } from "../../base/shape.js";
import {
  type AdamStep, type ArgReduceOp, type Backend, type BinaryOp, type KernelName, type RandomDistribution, type ReduceOp,
  type ScatterReduceOp, type SgdStep, type Storage, type UnaryOp, type View, type WindowGeometry,
} from "../backend.js";
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS, givesBool, wasmCodes } from "../../base/op-table.js";
import { JsBackend } from "../js/index.js";
import { collapse, type Space4 } from "./layout.js";
import { kernelModule, type Kernels } from "./module.js";
import { PARALLEL_GEMM_MACS, product } from "./products.js";
import { WasmHeap } from "./memory.js";
import { Reclaimer } from "./reclaim.js";
import { PARALLEL_ELEMENTS, WAKE_ELEMENTS, splitSpace } from "./split.js";
import { VIEW, WasmStorage } from "./storage.js";
import { col2im, im2col, maxPool2x2, maxPool2x2Backward } from "./windows.js";
import { gruSequence, gruSequenceBackward, lstmSequence, lstmSequenceBackward, rnnSequence, rnnSequenceBackward } from "./recurrences.js";
import { CAN_THREAD, ThreadPool, defaultThreadCount } from "./threads.js";

export { WasmStorage } from "./storage.js";


// Op codes from the op table, as wasm/op-codes.ts has them (generated from the same table).
const UNARY_CODE = wasmCodes(UNARY_OPS);
const BINARY_CODE = wasmCodes(BINARY_OPS);
const REDUCE_CODE = wasmCodes(REDUCE_OPS) as Record<ReduceOp, number>;
const SCATTER_REDUCE_CODE: Record<ScatterReduceOp, number> = { amax: 0, amin: 1, prod: 2 };
const DTYPE_CODE: Record<DType, number> = { float32: 0, int32: 1, bool: 2, float64: 3 };


const isF32 = (v: View) => v.storage.dtype === "float32";

/** What every fused kernel reads: float32 views, contiguous, in this heap (null views are absent gradients). */
const fusable = (...views: (View | null)[]) =>
  views.every((v) => v === null || (isF32(v) && v.storage instanceof WasmStorage && isContiguous(v.shape, v.strides)));

const float32 = (dtype: DType) => dtype === "float32";
/** The kernels (by the dtype of their data input, and op) that run wasm code; the rest run the reference loops. */
const OWN: Partial<Record<KernelName, (dtype: DType, op?: string) => boolean>> = {
  toArray: () => true,
  fill: () => true,
  copy: () => true,
  cast: () => true,
  assign: () => true,
  random: (dtype) => float32(dtype),
  unary: (dtype, op) => float32(dtype) && op !== undefined && op in UNARY_CODE,
  binary: (dtype, op) => float32(dtype) && op !== undefined && op in BINARY_CODE,
  where: float32,
  reduce: float32,
  argReduce: float32,
  matmul: float32,
  gather: (dtype) => dtype === "float32" || dtype === "int32",
  scatterAdd: float32,
  scatterReduce: float32,
  im2col: float32,
  col2im: float32,
};

/** The fixed slices of a long sum (sumInParts): enough for any pool here, few enough to add up in JS. */
const SUM_PARTS = 16;

export interface WasmBackendOptions {
  /**
   * Use the relaxed-SIMD build (fused multiply-add in the GEMM) where the engine accepts it
   * (Chromium, Node ≥ 22, Node 20 with --experimental-wasm-relaxed-simd). Default true; false
   * keeps plain SIMD128, whose results do not depend on whether the CPU fuses.
   */
  relaxedSimd?: boolean;
}

/** One 32-bit word as an int32 and as a float32: fill's value into its bit pattern. */
const FILL_BITS = new Int32Array(1);
const FILL_F32 = new Float32Array(FILL_BITS.buffer);

export class WasmBackend implements Backend {
  readonly name: string;
  /** Whether the relaxed-SIMD kernels are in use. */
  readonly relaxedSimd: boolean;
  readonly heap = new WasmHeap(CAN_THREAD);
  /** The kernel module's exports (internal: the backend's own files call them). */
  readonly k: Kernels;
  private readonly module: WebAssembly.Module;
  /** GEMM packing scratch, one block per thread (internal). */
  readonly scratch: number[] = [];
  private threads = CAN_THREAD ? defaultThreadCount() : 1;
  private pool: ThreadPool | null = null;
  /** Frees the heap block of a storage object once it has been garbage-collected. */
  readonly reclaimer = new Reclaimer((ptr, bytes) => this.heap.release(ptr, bytes));

  /** The reference loops over this backend's memory: they run every kernel the wasm code does not. */
  readonly fallback: JsBackend = new JsBackend({
    backend: this,
    make: (dtype, data) => {
      const s = this.allocate(dtype, data.length);
      s.data.set(data);
      return s;
    },
    empty: (dtype, size) => this.allocate(dtype, size),
  });

  constructor({ relaxedSimd = true }: WasmBackendOptions = {}, name = "wasm") {
    this.name = name;
    const { module, relaxed } = kernelModule(relaxedSimd);
    this.relaxedSimd = relaxed;
    this.module = module;
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory: this.heap.memory,
        abort: () => {
          throw new TensorgradError("wasm kernel aborted");
        },
      },
    });
    this.k = instance.exports as unknown as Kernels;
    this.heap.reserve(this.k.heapBase());
    if (this.reclaimer.synchronous) this.heap.collector = () => this.reclaimer.collect();
    this.scratch.push(this.heap.alloc(this.k.GEMM_SCRATCH_BYTES.value as number));
  }

  supportsDType(_dtype: DType): boolean {
    return true;
  }

  owns(kernel: KernelName, dtype: DType, op?: string): boolean {
    return OWN[kernel]?.(dtype, op) ?? false;
  }

  get numThreads(): number {
    return this.threads;
  }

  /** Threads for kernels worth splitting (1: everything on the calling thread). */
  setNumThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new TensorgradError(`setNumThreads: expected a positive integer, got ${n}`);
    if (n > 1 && !CAN_THREAD) {
      throw new TensorgradError("setNumThreads: threads need SharedArrayBuffer and workers; in a browser, serve the page cross-origin isolated (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)");
    }
    if (n === this.threads) return;
    this.pool?.close();
    this.pool = null;
    this.threads = n;
  }

  /** Threads that can take work now: 1 until the pool's workers (started by the first GEMM worth splitting) are up. */
  get readyThreads(): number {
    return this.pool?.ready ?? 1;
  }

  /**
   * Starts the worker threads now (they otherwise start with the first GEMM worth splitting, and
   * the caller does their share until they are up) and resolves once every one is ready.
   */
  async startThreads(timeoutMs = 30000): Promise<void> {
    if (this.threads === 1) return;
    const pool = this.workers();
    for (const started = performance.now(); pool.ready < this.threads; ) {
      if (performance.now() - started > timeoutMs) throw new TensorgradError(`wasm backend: ${this.threads - 1} worker threads did not start within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /**
   * Whether a memory-bound kernel over this many elements splits over the pool: from WAKE_ELEMENTS
   * always, from PARALLEL_ELEMENTS while the workers are awake (internal). Such kernels compute each
   * element as on one thread, so the choice never changes a result.
   */
  splits(elements: number): boolean {
    if (this.threads === 1 || elements < PARALLEL_ELEMENTS) return false;
    return elements >= WAKE_ELEMENTS || (this.pool !== null && this.pool.awake);
  }

  /** The pool of this.threads threads (started on first use), with a scratch block for each (internal). */
  workers(): ThreadPool {
    if (!this.pool) {
      this.pool = new ThreadPool(this.module, this.heap.memory, this.threads);
      while (this.scratch.length < this.threads) this.scratch.push(this.heap.alloc(this.k.GEMM_SCRATCH_BYTES.value as number));
    }
    return this.pool;
  }

  /** New storage of `length` elements in the heap (contents unspecified). */
  allocate(dtype: DType, length: number): WasmStorage {
    const bytes = Math.max(length * VIEW[dtype].BYTES_PER_ELEMENT, 1);
    const ptr = this.heap.alloc(bytes);
    const s = new WasmStorage(this, dtype, ptr, length, bytes);
    // A scope frees its storage deterministically; only storage outside every scope needs the
    // (comparatively costly) FinalizationRegistry, and scoped storage joins it when it escapes.
    if (!trackStorage(s)) this.watch(s);
    return s;
  }

  /** Frees the storage's block once its storage object is garbage-collected. */
  watch(s: WasmStorage): void {
    s.watched = this.reclaimer.watch(s, s.ptr, s.bytes);
  }

  free(s: WasmStorage): void {
    if (s.watched) this.reclaimer.unwatch(s.watched);
    this.heap.release(s.ptr, s.bytes);
  }

  // Kernels the wasm code does not have: the reference loops, over this backend's memory.
  fromArray(data: AnyTypedArray, dtype: DType): Storage {
    return this.fallback.fromArray(data, dtype);
  }
  dispose(storage: Storage): void {
    this.fallback.dispose(storage);
  }
  arange(size: number, start: number, step: number, dtype: DType): Storage {
    return this.fallback.arange(size, start, step, dtype);
  }
  argsort(x: View, axis: number, descending: boolean): Storage {
    return this.fallback.argsort(x, axis, descending);
  }
  argmode(x: View, axis: number): Storage {
    return this.fallback.argmode(x, axis);
  }
  pad(x: View, pads: readonly (readonly [number, number])[], value: number): Storage {
    return this.fallback.pad(x, pads, value);
  }
  concat(xs: readonly View[], axis: number): Storage {
    return this.fallback.concat(xs, axis);
  }

  /** Byte address of a view's first element (internal). */
  addr(v: View): number {
    return (v.storage as WasmStorage).ptr + v.offset * VIEW[v.storage.dtype].BYTES_PER_ELEMENT;
  }

  /** Reads into a JS-owned array: views into the heap would be detached by a later memory grow. */
  toArray(v: View): AnyTypedArray {
    const s = this.copy(v) as WasmStorage;
    const out = s.data.slice();
    s.release();
    return out;
  }

  random(size: number, dist: RandomDistribution, seed: number, offset: number, dtype: DType): Storage {
    if (dtype !== "float32") return this.fallback.random(size, dist, seed, offset, dtype);
    const out = this.allocate("float32", size);
    // Element i is a function of (seed, offset + i) alone, so any split gives the numbers one call would.
    this.byItems(dist, size, size, (i0, n) => [out.ptr + 4 * i0, n, seed, offset + i0]);
    return out;
  }

  fill(size: number, value: number, dtype: DType): Storage {
    const s = this.allocate(dtype, size);
    if (dtype === "float32" || dtype === "int32") {
      // The value's 32-bit pattern, stored by a SIMD loop: TypedArray.fill on shared memory is slow.
      if (dtype === "float32") FILL_F32[0] = value;
      else FILL_BITS[0] = value;
      const bits = FILL_BITS[0]!;
      this.byItems("fill32", size, size, (i0, n) => [s.ptr + 4 * i0, n, bits]);
    } else s.data.fill(dtype === "bool" ? +(value !== 0) : value);
    return s;
  }

  copy(x: View): Storage {
    return this.cast(x, x.storage.dtype);
  }

  cast(x: View, dtype: DType): Storage {
    const out = this.allocate(dtype, numel(x.shape));
    this.convertInto({ storage: out, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 }, x);
    return out;
  }

  assign(dst: View, src: View): void {
    this.convertInto(dst, src);
  }

  /** dst ← src elementwise (with a dtype conversion when they differ), both strided. */
  private convertInto(dst: View, src: View): void {
    const space = collapse(src.shape, [src.strides, dst.strides]);
    if (space === null) {
      // More than 4 independently strided dims: convert with the reference loops, then copy.
      if (src.storage.dtype === dst.storage.dtype) return this.fallback.assign(dst, src);
      const converted = this.fallback.cast(src, dst.storage.dtype);
      return this.convertInto(dst, { storage: converted, shape: src.shape, strides: contiguousStrides(src.shape), offset: 0 });
    }
    const [ss, ds] = space.strides;
    const [st, dt] = [DTYPE_CODE[src.storage.dtype], DTYPE_CODE[dst.storage.dtype]];
    // A destination that repeats elements (stride 0) stays on one thread: its last write wins.
    if (ds!.some((d, i) => d === 0 && space.shape[i]! > 1)) return this.k.convert(st, this.addr(src), dt, this.addr(dst), ...space.shape, ...ss!, ...ds!);
    // Otherwise split like an elementwise op (a permuting copy between a model's layers reads what
    // a split kernel wrote; on one thread it would read the other core's half from its cache). The
    // destination is an operand with its own strides, not a contiguous output.
    const bytes = [VIEW[src.storage.dtype].BYTES_PER_ELEMENT, VIEW[dst.storage.dtype].BYTES_PER_ELEMENT];
    this.elementwise("convert", space, [this.addr(src), this.addr(dst)], bytes, 0, 0, ([ps, pd], _, shape, s) => [st, ps!, dt, pd!, ...shape, ...s.flat()]);
  }

  unary(op: UnaryOp, x: View): Storage {
    const code = UNARY_CODE[op];
    const n = numel(x.shape);
    if (code !== undefined && isF32(x) && !this.splits(n) && isContiguous(x.shape, x.strides)) {
      // The common small case without building an iteration space (a tiny op's cost is its overhead).
      const out = this.allocate("float32", n);
      this.k.unary(code, this.addr(x), out.ptr, 1, 1, 1, n, 0, 0, 0, 1);
      return out;
    }
    const space = code === undefined || !isF32(x) ? null : collapse(x.shape, [x.strides]);
    if (space === null) return this.fallback.unary(op, x);
    const out = this.allocate("float32", numel(x.shape));
    this.elementwise("unary", space, [this.addr(x)], [4], out.ptr, 4, (p, o, shape, s) => [code!, ...p, o, ...shape, ...s.flat()]);
    return out;
  }

  binary(op: BinaryOp, a: View, b: View): Storage {
    const code = BINARY_CODE[op];
    const n = numel(a.shape);
    if (code !== undefined && isF32(a) && !this.splits(n) && isContiguous(a.shape, a.strides) && isContiguous(b.shape, b.strides)) {
      const bool = givesBool(op);
      const out = this.allocate(bool ? "bool" : "float32", n);
      this.k.binary(code, this.addr(a), this.addr(b), out.ptr, 1, 1, 1, n, 0, 0, 0, 1, 0, 0, 0, 1);
      return out;
    }
    const space = code === undefined || !isF32(a) ? null : collapse(a.shape, [a.strides, b.strides]);
    if (space === null) return this.fallback.binary(op, a, b);
    const bool = givesBool(op);
    const out = this.allocate(bool ? "bool" : "float32", numel(a.shape));
    this.elementwise("binary", space, [this.addr(a), this.addr(b)], [4, 4], out.ptr, bool ? 1 : 4, (p, o, shape, s) => [code!, ...p, o, ...shape, ...s.flat()]);
    return out;
  }

  where(cond: View, a: View, b: View): Storage {
    const space = !isF32(a) ? null : collapse(a.shape, [cond.strides, a.strides, b.strides]);
    if (space === null) return this.fallback.where(cond, a, b);
    const out = this.allocate("float32", numel(a.shape));
    this.elementwise("where", space, [this.addr(cond), this.addr(a), this.addr(b)], [1, 4, 4], out.ptr, 4, (p, o, shape, s) => [...p, o, ...shape, ...s.flat()]);
    return out;
  }

  /**
   * Runs an elementwise kernel over `space`, split over the pool when it is large (splitSpace):
   * `args` lays out one share's arguments from its operand and output addresses, shape and strides.
   */
  private elementwise(kernel: "unary" | "binary" | "where" | "convert", space: Space4, ptrs: number[], bytes: number[], out: number, outBytes: number, args: (ptrs: number[], out: number, shape: number[], strides: number[][]) => number[]): void {
    const run = this.k[kernel] as (...a: number[]) => void;
    if (!this.splits(numel(space.shape))) return run(...args(ptrs, out, space.shape, space.strides));
    const shares = splitSpace(space, this.threads).map((sh) => args(ptrs.map((p, k) => p + sh.offsets[k]! * bytes[k]!), out + sh.outOffset * outBytes, sh.shape, space.strides));
    if (shares.length === 1) run(...shares[0]!);
    else this.workers().run(kernel, shares, run);
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[]): Storage {
    if (!isF32(x)) return this.fallback.reduce(op, x, axes);
    const keptDims = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const kept = collapse(keptDims.map((d) => x.shape[d]!), [keptDims.map((d) => x.strides[d]!)], 2);
    const reduced = collapse(axes.map((d) => x.shape[d]!), [axes.map((d) => x.strides[d]!)], 2);
    if (kept === null || reduced === null) return this.fallback.reduce(op, x, axes);
    const out = this.allocate("float32", numel(keptDims.map((d) => x.shape[d]!)));
    const [r0, r1] = reduced.shape as [number, number];
    const [sr0, sr1] = reduced.strides[0] as [number, number];
    const n = numel(x.shape);
    // (A fixed size, not the pool's state, picks the summation: the result must not depend on it.)
    if (op === "sum" && numel(kept.shape) === 1 && r0 === 1 && sr1 === 1 && n >= WAKE_ELEMENTS) {
      this.sumInParts(this.addr(x), n, out.ptr);
      return out;
    }
    const parts = this.splits(n) ? this.threads : 1;
    const x0 = this.addr(x);
    const shares = splitSpace(kept, parts).map(({ shape: [g0, g1], offsets: [at], outOffset }) => [REDUCE_CODE[op], x0 + 4 * at!, out.ptr + 4 * outOffset, g0!, g1!, r0, r1, ...kept.strides[0]!, sr0, sr1]);
    if (shares.length === 1) this.k.reduce(...(shares[0] as Parameters<Kernels["reduce"]>));
    else this.workers().run("reduce", shares, this.k.reduce as (...a: number[]) => void);
    return out;
  }

  /**
   * The sum of one long contiguous run: float64 sums of SUM_PARTS fixed slices (shared among the
   * threads), added in order and rounded once, so the result is the same for any thread count.
   */
  private sumInParts(x: number, n: number, out: number): void {
    const pool = this.threads > 1 ? this.workers() : null;
    const partial = this.heap.alloc(8 * SUM_PARTS);
    const T = pool ? Math.min(this.threads, SUM_PARTS) : 1;
    const shares = Array.from({ length: T }, (_, t) => [x, n, SUM_PARTS, Math.floor((t * SUM_PARTS) / T), Math.floor(((t + 1) * SUM_PARTS) / T), partial]);
    if (pool) pool.run("sumParts", shares, this.k.sumParts);
    else this.k.sumParts(...(shares[0] as Parameters<Kernels["sumParts"]>));
    const sums = new Float64Array(this.heap.memory.buffer, partial, SUM_PARTS);
    let total = 0;
    for (let p = 0; p < SUM_PARTS; p++) total += sums[p]!;
    new Float32Array(this.heap.memory.buffer, out, 1)[0] = total;
    this.heap.release(partial, 8 * SUM_PARTS);
  }

  argReduce(op: ArgReduceOp, x: View, axis: number): Storage {
    if (!isF32(x)) return this.fallback.argReduce(op, x, axis);
    const keptDims = x.shape.map((_, d) => d).filter((d) => d !== axis);
    const kept = collapse(keptDims.map((d) => x.shape[d]!), [keptDims.map((d) => x.strides[d]!)], 3);
    if (kept === null || x.shape[axis] === 0) return this.fallback.argReduce(op, x, axis);
    const out = this.allocate("int32", numel(keptDims.map((d) => x.shape[d]!)));
    this.k.argReduce(op === "argmax" ? 0 : 1, this.addr(x), out.ptr, ...kept.shape, ...kept.strides[0]!, x.shape[axis]!, x.strides[axis]!);
    return out;
  }

  /** x's strides with the indexed dim's step left out (the index supplies it). */
  private static along(x: View, dim: number): number[] {
    return x.strides.map((s, d) => (d === dim ? 0 : s));
  }

  gather(x: View, dim: number, index: View): Storage {
    const fourBytes = x.storage.dtype === "float32" || x.storage.dtype === "int32";
    const space = fourBytes ? collapse(index.shape, [WasmBackend.along(x, dim), index.strides]) : null;
    if (space === null) return this.fallback.gather(x, dim, index);
    const out = this.allocate(x.storage.dtype, numel(index.shape));
    const bad = this.k.gather(this.addr(x), this.addr(index), out.ptr, x.shape[dim]!, x.strides[dim]!, ...space.shape, ...space.strides.flat());
    if (bad >= 0) {
      out.release();
      return this.fallback.gather(x, dim, index); // throws the IndexError naming the index
    }
    return out;
  }

  scatterAdd(base: View, dim: number, index: View, src: View): Storage {
    const strides = contiguousStrides(base.shape);
    const target: View = { storage: base.storage, shape: base.shape, strides, offset: 0 };
    const space = isF32(base) ? collapse(index.shape, [WasmBackend.along(target, dim), index.strides, src.strides]) : null;
    if (space === null) return this.fallback.scatterAdd(base, dim, index, src);
    // A broadcast value (a gather's gradient starts from zeros) is filled, not copied element by element.
    const n = numel(base.shape);
    const out = (n > 0 && base.strides.every((s) => s === 0) ? this.fill(n, new Float32Array(this.heap.memory.buffer, this.addr(base), 1)[0]!, "float32") : this.copy(base)) as WasmStorage;
    const [pi, ps] = [this.addr(index), this.addr(src)];
    const bad = this.byIndexRanges("scatterAdd", dim, base.shape[dim]!, n, (lo, hi) => [out.ptr, pi, ps, base.shape[dim]!, strides[dim]!, lo, hi, ...space.shape, ...space.strides.flat()]);
    if (bad >= 0) {
      out.release();
      return this.fallback.scatterAdd(base, dim, index, src);
    }
    return out;
  }

  scatterReduce(base: View, dim: number, index: View, src: View, reduce: ScatterReduceOp, includeSelf: boolean): Storage {
    const strides = contiguousStrides(base.shape);
    const target: View = { storage: base.storage, shape: base.shape, strides, offset: 0 };
    const space = isF32(base) ? collapse(index.shape, [WasmBackend.along(target, dim), index.strides, src.strides]) : null;
    if (space === null) return this.fallback.scatterReduce(base, dim, index, src, reduce, includeSelf);
    const out = this.copy(base) as WasmStorage;
    const op = SCATTER_REDUCE_CODE[reduce];
    const bad = this.k.scatterReduce(op, !includeSelf, out.ptr, this.addr(index), this.addr(src), base.shape[dim]!, strides[dim]!, ...space.shape, ...space.strides.flat());
    if (bad >= 0) {
      out.release();
      return this.fallback.scatterReduce(base, dim, index, src, reduce, includeSelf); // throws the IndexError naming the index
    }
    return out;
  }

  matmul(a: View, b: View): Storage {
    if (!isF32(a)) return this.fallback.matmul(a, b);
    return product(this, a, b, null);
  }

  linear(x: View, w: View, bias: View): Storage | null {
    if (!fusable(x, w, bias) || x.shape.length !== 2 || x.shape[1] === 0) return null;
    const [[M, K], N] = [x.shape as [number, number], w.shape[0]!];
    // [1, M, K]·[1, K, N] with B = wᵀ as a view: the same kernels as matmul, the bias in their stores.
    return product(this, { ...x, shape: [1, M, K], strides: [0, K, 1] }, { ...w, shape: [1, K, N], strides: [0, 1, K] }, bias);
  }

  // ---- fused routines: each declines (null) what its kernel does not take --------------------

  sgdStep(param: View, grad: View, momentumBuffer: View | null, h: SgdStep): true | null {
    if (!fusable(param, grad, momentumBuffer)) return null;
    const buf = momentumBuffer ? this.addr(momentumBuffer) : 0;
    this.k.sgd(this.addr(param), this.addr(grad), buf, numel(param.shape), h.lr, h.momentum, h.dampening, h.weightDecay, h.nesterov, h.maximize, h.first);
    return true;
  }

  batchNorm(x: View, weight: View, bias: View, eps: number): [Storage, Storage, Storage] | null {
    if (!fusable(x, weight, bias) || x.shape.length !== 3 || numel(x.shape) === 0) return null;
    const [N, C, S] = x.shape as [number, number, number];
    const [y, mean, variance] = [this.allocate("float32", N * C * S), this.allocate("float32", C), this.allocate("float32", C)];
    this.k.batchNormForward(this.addr(x), this.addr(weight), this.addr(bias), y.ptr, mean.ptr, variance.ptr, N, C, S, eps);
    return [y, mean, variance];
  }

  batchNormBackward(x: View, g: View, mean: View, variance: View, weight: View, eps: number): [Storage, Storage, Storage] | null {
    if (!fusable(x, g, mean, variance, weight) || x.shape.length !== 3) return null;
    const [N, C, S] = x.shape as [number, number, number];
    const [dx, dw, db] = [this.allocate("float32", N * C * S), this.allocate("float32", C), this.allocate("float32", C)];
    this.k.batchNormBackward(this.addr(x), this.addr(g), this.addr(mean), this.addr(variance), this.addr(weight), dx.ptr, dw.ptr, db.ptr, N, C, S, eps);
    return [dx, dw, db];
  }

  lstmCell(gates: View, c: View): [Storage, Storage, Storage] | null {
    if (!fusable(gates, c)) return null;
    const [N, H] = c.shape as [number, number];
    const [h, cNext, act] = [this.allocate("float32", N * H), this.allocate("float32", N * H), this.allocate("float32", N * 5 * H)];
    this.k.lstmCell(this.addr(gates), this.addr(c), h.ptr, cNext.ptr, act.ptr, N, H);
    return [h, cNext, act];
  }

  lstmCellBackward(act: View, c: View, dh: View | null, dcNext: View | null): [Storage, Storage] | null {
    if (!fusable(act, c, dh, dcNext)) return null;
    const [N, H] = c.shape as [number, number];
    const [dgates, dc] = [this.allocate("float32", N * 4 * H), this.allocate("float32", N * H)];
    this.k.lstmCellBackward(this.addr(act), this.addr(c), dh ? this.addr(dh) : 0, dcNext ? this.addr(dcNext) : 0, dgates.ptr, dc.ptr, N, H);
    return [dgates, dc];
  }

  lstmSequence(proj: View, h0: View, c0: View, wHh: View, mask: View | null, reverse: boolean): [Storage, Storage, Storage] | null {
    return fusable(proj, h0, c0, wHh, mask) ? lstmSequence(this, proj, h0, c0, wHh, mask, reverse) : null;
  }

  lstmSequenceBackward(act: View, cs: View, wHh: View, mask: View | null, dhs: View | null, dcs: View | null, dhN: View | null, dcN: View | null, reverse: boolean): [Storage, Storage, Storage] | null {
    if (!fusable(act, cs, wHh, mask) || [dhs, dcs, dhN, dcN].some((d) => d && !isF32(d))) return null;
    return lstmSequenceBackward(this, act, cs, wHh, mask, dhs, dcs, dhN, dcN, reverse);
  }

  gruSequence(xProj: View, h0: View, wHh: View, bHh: View, mask: View | null, reverse: boolean): [Storage, Storage] | null {
    return fusable(xProj, h0, wHh, bHh, mask) ? gruSequence(this, xProj, h0, wHh, bHh, mask, reverse) : null;
  }

  gruSequenceBackward(act: View, hs: View, wHh: View, mask: View | null, dhs: View, reverse: boolean): [Storage, Storage, Storage] | null {
    return fusable(act, hs, wHh, mask) && isF32(dhs) ? gruSequenceBackward(this, act, hs, wHh, mask, dhs, reverse) : null;
  }

  rnnSequence(xProj: View, h0: View, wHh: View, mask: View | null, reverse: boolean, relu: boolean): Storage | null {
    return fusable(xProj, h0, wHh, mask) ? rnnSequence(this, xProj, h0, wHh, mask, reverse, relu) : null;
  }

  rnnSequenceBackward(hs: View, wHh: View, mask: View | null, dhs: View, reverse: boolean, relu: boolean): [Storage, Storage] | null {
    return fusable(hs, wHh, mask) && isF32(dhs) ? rnnSequenceBackward(this, hs, wHh, mask, dhs, reverse, relu) : null;
  }

  /**
   * Runs a kernel over `count` independent items (images of a batch, planes, draws) — `args(i0, n)` lays
   * out the call for items [i0, i0 + n) — split into item ranges over the pool when the `elements`
   * it writes are many. Each item is computed as on one thread (internal: windows.ts).
   */
  byItems(kernel: "im2col" | "col2im" | "maxPool2x2" | "maxPool2x2Backward" | "uniform" | "normal" | "dropout" | "dropoutBackward" | "fill32" | "adam", count: number, elements: number, args: (i0: number, n: number) => number[]): void {
    const run = this.k[kernel] as (...a: number[]) => void;
    if (count < 2 || !this.splits(elements)) return run(...args(0, count));
    const pool = this.workers();
    const per = Math.ceil(count / this.threads);
    const shares: number[][] = [];
    for (let i0 = 0; i0 < count; i0 += per) shares.push(args(i0, Math.min(per, count - i0)));
    pool.run(kernel, shares, run);
  }

  /**
   * Runs scatterAdd along dim 0 split over the pool by ranges of the index's values: each thread adds
   * into the rows of its range, the rows an element-range split of their producer and consumer (the
   * fill before, an Adam step after) gives the same thread. Every share checks every index; returns
   * the kernel's answer (−1, or the position of the first bad index).
   */
  private byIndexRanges(kernel: "scatterAdd", dim: number, size: number, elements: number, args: (lo: number, hi: number) => number[]): number {
    const run = this.k[kernel] as (...a: number[]) => number;
    if (dim !== 0 || size < 2 || !this.splits(elements)) return run(...args(0, size));
    const per = Math.ceil(size / this.threads);
    const shares: number[][] = [];
    for (let lo = 0; lo < size; lo += per) shares.push(args(lo, Math.min(lo + per, size)));
    let bad = -1;
    this.workers().run(kernel, shares, (...a) => {
      const r = run(...a);
      if (r >= 0) bad = r;
    });
    return bad;
  }

  /** A view as rows of its last dim: [rows, columns]. */
  private static rows(v: View): [number, number] {
    const C = v.shape[v.shape.length - 1]!;
    return [numel(v.shape) / Math.max(C, 1), C];
  }

  /**
   * Runs a row kernel — args: contiguous [R, C] operands' addresses, R, C, then `tail` — split into
   * row ranges over the pool when it is large; C = 0 marks an elementwise kernel taking n = R alone
   * (its ranges whole SIMD blocks of 16). Rows are independent, so the split changes no result.
   */
  private byRowRanges(kernel: "softmaxRows" | "softmaxRowsBackward" | "layerNormRows" | "layerNormRowsBackward" | "gelu" | "geluBackward" | "reluBackward", ptrs: number[], R: number, C: number, tail: number[]): void {
    const run = this.k[kernel] as (...a: number[]) => void;
    const width = Math.max(C, 1);
    const share = (r0: number, rows: number) => [...ptrs.map((p) => p + 4 * r0 * width), ...(C ? [rows, C] : [rows]), ...tail];
    if (R < 2 || !this.splits(R * width)) return run(...share(0, R));
    const per = C ? Math.ceil(R / this.threads) : Math.ceil(R / this.threads / 16) * 16;
    const shares: number[][] = [];
    for (let r0 = 0; r0 < R; r0 += per) shares.push(share(r0, Math.min(per, R - r0)));
    this.workers().run(kernel, shares, run);
  }

  softmax(x: View, log: boolean): Storage | null {
    if (!fusable(x) || x.shape.length === 0) return null;
    const out = this.allocate("float32", numel(x.shape));
    this.byRowRanges("softmaxRows", [this.addr(x), out.ptr], ...WasmBackend.rows(x), [log ? 1 : 0]);
    return out;
  }

  softmaxBackward(y: View, g: View, log: boolean): Storage | null {
    if (!fusable(y, g) || y.shape.length === 0) return null;
    const dx = this.allocate("float32", numel(y.shape));
    this.byRowRanges("softmaxRowsBackward", [this.addr(y), this.addr(g), dx.ptr], ...WasmBackend.rows(y), [log ? 1 : 0]);
    return dx;
  }

  gelu(x: View, approximate: "none" | "tanh"): Storage | null {
    if (!fusable(x)) return null;
    const out = this.allocate("float32", numel(x.shape));
    this.byRowRanges("gelu", [this.addr(x), out.ptr], numel(x.shape), 0, [approximate === "tanh" ? 1 : 0]);
    return out;
  }

  geluBackward(x: View, g: View, approximate: "none" | "tanh"): Storage | null {
    if (!fusable(x, g)) return null;
    const dx = this.allocate("float32", numel(x.shape));
    this.byRowRanges("geluBackward", [this.addr(x), this.addr(g), dx.ptr], numel(x.shape), 0, [approximate === "tanh" ? 1 : 0]);
    return dx;
  }

  reluBackward(y: View, g: View): Storage | null {
    if (!fusable(y, g) || !shapesEqual(y.shape, g.shape)) return null;
    const dx = this.allocate("float32", numel(y.shape));
    this.byRowRanges("reluBackward", [this.addr(y), this.addr(g), dx.ptr], numel(y.shape), 0, []);
    return dx;
  }

  dropout(x: View, p: number, seed: number, offset: number, relu: boolean): [Storage, Storage] | null {
    if (!fusable(x)) return null;
    const n = numel(x.shape);
    const [out, keep] = [this.allocate("float32", n), this.allocate("bool", n)];
    const [px, po, pk, scale] = [this.addr(x), out.ptr, keep.ptr, 1 / (1 - p)];
    this.byItems("dropout", n, n, (i0, m) => [px + 4 * i0, po + 4 * i0, pk + i0, m, p, scale, seed, offset + i0, relu ? 1 : 0]);
    return [out, keep];
  }

  dropoutBackward(g: View, keep: View, scale: number): Storage | null {
    if (!fusable(g) || keep.storage.dtype !== "bool" || !isContiguous(keep.shape, keep.strides) || !shapesEqual(g.shape, keep.shape)) return null;
    const n = numel(g.shape);
    const out = this.allocate("float32", n);
    const [pg, pk, po] = [this.addr(g), this.addr(keep), out.ptr];
    this.byItems("dropoutBackward", n, n, (i0, m) => [pg + 4 * i0, pk + i0, po + 4 * i0, m, scale]);
    return out;
  }

  layerNorm(x: View, eps: number): Storage | null {
    if (!fusable(x) || x.shape.length === 0 || numel(x.shape) === 0) return null;
    const out = this.allocate("float32", numel(x.shape));
    this.byRowRanges("layerNormRows", [this.addr(x), out.ptr], ...WasmBackend.rows(x), [eps, 0, 0]);
    return out;
  }

  layerNormAffine(x: View, weight: View, bias: View, eps: number): Storage | null {
    const C = x.shape[x.shape.length - 1];
    if (!fusable(x, weight, bias) || C === undefined || numel(x.shape) === 0 || weight.shape.length !== 1 || weight.shape[0] !== C || !shapesEqual(weight.shape, bias.shape)) return null;
    const out = this.allocate("float32", numel(x.shape));
    this.byRowRanges("layerNormRows", [this.addr(x), out.ptr], ...WasmBackend.rows(x), [eps, this.addr(weight), this.addr(bias)]);
    return out;
  }

  layerNormAffineBackward(x: View, g: View, weight: View, eps: number): [Storage, Storage, Storage] | null {
    const C = x.shape[x.shape.length - 1];
    if (!fusable(x, g, weight) || C === undefined || numel(x.shape) === 0 || !shapesEqual(x.shape, g.shape) || weight.shape.length !== 1 || weight.shape[0] !== C) return null;
    const R = numel(x.shape) / C;
    // The weight's and bias's sums go by parts of PART rows (float64), summed in part order: each
    // thread takes whole parts, so the result does not depend on the thread count.
    const PART = this.k.LAYER_NORM_PART_ROWS.value as number;
    const count = Math.ceil(R / PART);
    const [dx, dw, db] = [this.allocate("float32", R * C), this.allocate("float32", C), this.allocate("float32", C)];
    const partsBytes = 16 * count * C;
    const parts = this.heap.alloc(partsBytes);
    const [px, pg, pw] = [this.addr(x), this.addr(g), this.addr(weight)];
    const share = (p0: number, n: number) => {
      const [r0, rows] = [p0 * PART, Math.min(n * PART, R - p0 * PART)];
      return [px + 4 * r0 * C, pg + 4 * r0 * C, dx.ptr + 4 * r0 * C, rows, C, eps, pw, parts + 16 * p0 * C];
    };
    const run = this.k.layerNormRowsBackward as (...a: number[]) => void;
    if (count < 2 || !this.splits(R * C)) run(...share(0, count));
    else {
      const per = Math.ceil(count / this.threads);
      const shares: number[][] = [];
      for (let p0 = 0; p0 < count; p0 += per) shares.push(share(p0, Math.min(per, count - p0)));
      this.workers().run("layerNormRowsBackward", shares, run);
    }
    this.k.sumPartsF64(parts, count, 2 * C, C, dw.ptr);
    this.k.sumPartsF64(parts + 8 * C, count, 2 * C, C, db.ptr);
    this.heap.release(parts, partsBytes);
    return [dx, dw, db];
  }

  layerNormBackward(x: View, g: View, eps: number): Storage | null {
    if (!fusable(x, g) || x.shape.length === 0) return null;
    const dx = this.allocate("float32", numel(x.shape));
    this.byRowRanges("layerNormRowsBackward", [this.addr(x), this.addr(g), dx.ptr], ...WasmBackend.rows(x), [eps, 0, 0]); // no weight, no parts
    return dx;
  }

  gruCell(xProj: View, hProj: View, h: View): [Storage, Storage] | null {
    if (!fusable(xProj, hProj, h)) return null;
    const [N, H] = h.shape as [number, number];
    const [hNext, act] = [this.allocate("float32", N * H), this.allocate("float32", N * 3 * H)];
    this.k.gruCell(this.addr(xProj), this.addr(hProj), this.addr(h), hNext.ptr, act.ptr, N, H);
    return [hNext, act];
  }

  gruCellBackward(act: View, hProj: View, h: View, dhNext: View): [Storage, Storage, Storage] | null {
    if (!fusable(act, hProj, h, dhNext)) return null;
    const [N, H] = h.shape as [number, number];
    const [dx, dhp, dh] = [this.allocate("float32", N * 3 * H), this.allocate("float32", N * 3 * H), this.allocate("float32", N * H)];
    this.k.gruCellBackward(this.addr(act), this.addr(hProj), this.addr(h), this.addr(dhNext), dx.ptr, dhp.ptr, dh.ptr, N, H);
    return [dx, dhp, dh];
  }

  maxPool2x2(x: View): [Storage, Storage] | null {
    return fusable(x) ? maxPool2x2(this, x) : null;
  }

  maxPool2x2Backward(g: View, indices: View, size: readonly [number, number]): Storage | null {
    return fusable(g) ? maxPool2x2Backward(this, g, indices, size) : null;
  }

  kmeansStep(x: View, centres: View, weights: View | null): [Storage, Storage, Storage, Storage] | null {
    if (!fusable(x, centres, weights)) return null;
    const [n, d] = x.shape as [number, number];
    const k = centres.shape[0]!;
    const P = this.k.KMEANS_PARTS.value as number;
    const split = this.threads > 1 && n * d * k >= PARALLEL_GEMM_MACS;
    // Allocate everything (outputs, then the parts' sums, the weights and the centres' norms as
    // scratch) before taking addresses (see matmul).
    const pool = split ? this.workers() : null;
    const [labels, dist, sums, mass] = [this.allocate("int32", n), this.allocate("float32", n), this.allocate("float32", k * d), this.allocate("float32", k)];
    const scratchBytes = 4 * (P * k * d + P * k + k);
    const sumParts = this.heap.alloc(scratchBytes);
    const [massParts, cc] = [sumParts + 4 * P * k * d, sumParts + 4 * P * (k * d + k)];
    const c = this.addr(centres);
    const C = new Float32Array(this.heap.memory.buffer, c, k * d);
    const norms = new Float32Array(this.heap.memory.buffer, cc, k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let q = j * d; q < (j + 1) * d; q++) s += C[q]! * C[q]!;
      norms[j] = s;
    }
    const args = [this.addr(x), n, d, c, cc, k, weights ? this.addr(weights) : 0, labels.ptr, dist.ptr, sumParts, massParts];
    const share = (t: number, T: number) => [...args, Math.floor((t * P) / T), Math.floor(((t + 1) * P) / T)];
    if (!pool) this.k.kmeansStep(...(share(0, 1) as Parameters<Kernels["kmeansStep"]>));
    else {
      const T = Math.min(this.threads, P);
      pool.run("kmeansStep", Array.from({ length: T }, (_, t) => share(t, T)), this.k.kmeansStep as (...a: number[]) => void);
    }
    this.k.sumBlocks(sumParts, P, k * d, sums.ptr);
    this.k.sumBlocks(massParts, P, k, mass.ptr);
    this.heap.release(sumParts, scratchBytes);
    return [labels, dist, sums, mass];
  }

  adamStep(param: View, grad: View, expAvg: View, expAvgSq: View, h: AdamStep): true | null {
    if (!fusable(param, grad, expAvg, expAvgSq)) return null;
    const n = numel(param.shape);
    const [p, g, m, v] = [this.addr(param), this.addr(grad), this.addr(expAvg), this.addr(expAvgSq)];
    // Split by element ranges, as the gradient's producers split (a fill, a gather's scatter-add by rows).
    this.byItems("adam", n, n, (i0, k) => [p + 4 * i0, g + 4 * i0, m + 4 * i0, v + 4 * i0, k, h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, +h.decoupled, +h.maximize, h.stepSize, h.bc2Sqrt]);
    return true;
  }

  im2col(x: View, g: WindowGeometry, padValue: number, batchInner = false): Storage {
    return isF32(x) ? im2col(this, x, g, padValue, batchInner) : this.fallback.im2col(x, g, padValue, batchInner);
  }

  col2im(cols: View, channels: number, size: readonly [number, number], g: WindowGeometry): Storage {
    return isF32(cols) ? col2im(this, cols, channels, size, g) : this.fallback.col2im(cols, channels, size, g);
  }
}
