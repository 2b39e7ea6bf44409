/**
 * The WebGPU backend: tensors in GPU buffers, every primitive kernel in WGSL. Kernels are recorded
 * and submitted in batches without waiting (queue.ts); reading a result is asynchronous
 * (`await x.data()`), and the synchronous readers raise a DeviceError that says so, as
 * TensorFlow.js' WebGPU backend does: a GPU read cannot block the JavaScript thread.
 *
 * Loaded lazily (`await tg.loadBackend("webgpu")`, or `await tg.device("webgpu")`): CPU users never
 * load this code or Dawn. float64 has no GPU type (WGSL has none); bools take 4 bytes on the device.
 * Of the fused routines it offers the optimizer steps, softmax, layer norm and GELU (fused.ts); the
 * op layer composes the others from the primitives.
 */
/// <reference types="@webgpu/types" />
import { allocArray, type AnyTypedArray, type DType } from "../../base/dtype.js";
import { DTypeError, DeviceError, IndexError, TensorgradError, ValueError } from "../../base/errors.js";
import { trackStorage } from "../../base/scope.js";
import { contiguousStrides, isContiguous, numel } from "../../base/shape.js";
import { dtypeRule, type BinaryOp, type UnaryOp } from "../../base/op-table.js";
import { getFloat32MatmulPrecision } from "../../base/matmul-precision.js";
import {
  concatByAssign, padByAssign, windowGrid,
  type AdamStep, type ArgReduceOp, type Backend, type SgdStep, type KernelName, type RandomDistribution, type ReduceOp, type ScatterReduceOp, type Storage, type View, type WindowGeometry,
  type AttentionSpec,
} from "../backend.js";
import { BufferPool } from "./buffers.js";
import { openGpu, type GpuContext } from "./device.js";
import { CommandQueue } from "./queue.js";
import { gpuDType, type GpuDType } from "./wgsl.js";
import { BINARY_EXPR, UNARY_EXPR } from "./ops.js";
import { arangeKernel, convert, fillKernel, mapKernel, randomKernel, type MapKernel, type Operand } from "./elementwise.js";
import { argmodeKernel, argReduceKernel, argsortKernel, reduceKernel } from "./reduce.js";
import { THIN, kSplits, matmulDirectKernel, matmulKernel } from "./matmul.js";
import { matmulScalesKernel } from "./matmul-scales.js";
import { CHECK_CLEAR, checkKernel, checkValueKernel } from "./checks.js";
import { shortestFloat32 } from "../../base/format.js";
import { matmulBroadcastKernel } from "./matmul-broadcast.js";
import { gatherKernel, scatterKernel, type IndexArgs } from "./indexing.js";
import { col2imKernel, im2colKernel } from "./windows.js";
import {
  adamKernel, geluBackwardKernel, geluKernel, layerNormBackwardKernel, layerNormKernel, sgdKernel, softmaxBackwardKernel, softmaxKernel, type Flat,
} from "./fused.js";
import { LONG_ROW, softmaxBackwardLongRowsKernel, softmaxLongRowsKernel } from "./fused-long-rows.js";
import { incompleteGammaKernel, polygammaKernel } from "./fused-special.js";
import { eighKernel, eighWorkSize, svdKernel, svdWorkSize } from "./fused-linalg.js";
import {
  gruStepBackwardKernel, gruStepKernel, lstmStepBackwardKernel, lstmStepKernel, rnnStepBackwardKernel, rnnStepKernel, rowsIntoKernel, stateGradKernel, type SequenceStep,
} from "./fused-sequences.js";
import { MAX_WIDTH, attentionDkvKernel, attentionDqKernel, attentionForwardKernel, attentionStatsKernel, type AttentionShape } from "./fused-attention.js";
import { gruCellBackwardKernel, gruCellKernel, lstmCellBackwardKernel, lstmCellKernel } from "./fused-cells.js";

export class GpuStorage implements Storage {
  private gpuBuffer: GPUBuffer | null;

  constructor(
    readonly backend: WebGpuBackend,
    readonly dtype: DType,
    readonly size: number,
    buffer: GPUBuffer,
  ) {
    this.gpuBuffer = buffer;
  }

  get buffer(): GPUBuffer {
    if (this.gpuBuffer === null) throw new TensorgradError("this tensor's storage was disposed");
    return this.gpuBuffer;
  }

  get disposed(): boolean {
    return this.gpuBuffer === null;
  }

  /** Left every scope: the garbage collector reclaims it from now on. */
  escaped(): void {
    this.backend.watch(this);
  }

  release(): GPUBuffer | null {
    const b = this.gpuBuffer;
    this.gpuBuffer = null;
    return b;
  }
}

/** The (op, dtype) pairs the op layer sends to a kernel (its dtype rules promote the rest away). */
function ownsOp(kernel: "unary" | "binary", dtype: GpuDType, op: string): boolean {
  const table = kernel === "unary" ? UNARY_EXPR[dtype] : BINARY_EXPR[dtype];
  return op in table;
}

const TYPED: Partial<Record<KernelName, readonly DType[]>> = {
  reduce: ["float32", "int32"],
  argReduce: ["float32", "int32"],
  argsort: ["float32", "int32"],
  argmode: ["float32", "int32"],
  matmul: ["float32", "int32"],
  scatterReduce: ["float32", "int32"],
  random: ["float32"],
};

export class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  readonly fallback = null;
  readonly numThreads = 1;
  readonly queue: CommandQueue;
  readonly pool: BufferPool;
  /** Bad indices recorded by gather/scatter kernels: [count, index, dim, size]. */
  private readonly errors: GPUBuffer;
  /** The first failed deferred check (checks.ts): [claim, message id, first position, the value there]. */
  private readonly checks: GPUBuffer;
  /** deferCheck's messages by id, and ids by message: as many as the ops have distinct messages. */
  private readonly checkMessages: string[] = [];
  private readonly checkIds = new Map<string, number>();
  private checkSeq = 0;
  private readonly finalizer = new FinalizationRegistry<GPUBuffer>((buffer) => this.pool.give(buffer));
  /**
   * The first error the device reported since the last read (a shader it refused, a lost device).
   * WebGPU reports errors asynchronously, never from the call that made them: the next read raises it.
   */
  private failure: string | null = null;
  /**
   * Which kernel takes a product of at least THIN rows and columns: the tiled one on a GPU, the
   * broadcast one where a CPU runs the shaders (matmul-broadcast.ts). Tests set it to run both.
   */
  matmulForm: "tiled" | "broadcast";
  /**
   * Whether softmax rows of at least LONG_ROW take a workgroup each (fused-long-rows.ts): on a GPU,
   * where one thread per row leaves most of it idle and reads rows far apart. On lavapipe one
   * thread per row measured as fast or faster ([32, 50000] 130 against 156 ms, [2048, 2000] 239
   * against 259), so a fallback adapter keeps it. Tests set it to run both.
   */
  longRows: boolean;
  /**
   * The widest head (E and Ev) fused attention takes (fused-attention.ts); wider ones compose. On
   * a GPU, MAX_WIDTH. Where a CPU runs the shaders, a thread's head lives in vector registers, and
   * past 16 floats LLVM spills them: on lavapipe a [16, 256, D] forward took 30 ms fused against
   * 64 composed at D = 16, but 108 against 83 at D = 32 and 188 against 46 at D = 64, the composed
   * products running on the broadcast matmul. Tests set it to run every width.
   */
  attentionWidth: number;
  /**
   * Whether the workgroup reductions (long lines in reduce.ts, long softmax rows) combine within
   * subgroups first, where the adapter has them (GpuContext.subgroups). Tests set it to run both.
   */
  subgroups: boolean;
  /**
   * Whether float32 products may multiply in float16 (matmul-scales.ts) when the matmul precision
   * is "medium": where the adapter has `shader-f16`, and only in the tiled kernel (a CPU running the
   * shaders gains nothing from half precision, so the broadcast form stays float32). Tests set it.
   */
  halfProducts: boolean;

  constructor(readonly gpu: GpuContext) {
    this.subgroups = gpu.subgroups;
    this.halfProducts = gpu.features.has("shader-f16");
    this.matmulForm = gpu.fallback ? "broadcast" : "tiled";
    this.longRows = !gpu.fallback;
    this.attentionWidth = gpu.fallback ? 16 : MAX_WIDTH;
    this.queue = new CommandQueue(gpu.device);
    this.pool = new BufferPool(gpu.device);
    this.errors = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.checks = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.queue.upload(this.checks, CHECK_CLEAR);
    gpu.device.onuncapturederror = (e) => {
      this.failure ??= e.error.message;
    };
    void gpu.device.lost.then((info) => {
      this.failure ??= `the device was lost (${info.reason}): ${info.message}`;
    });
  }

  /** Opens the GPU (an adapter and a device) and makes the backend. */
  static async create(): Promise<WebGpuBackend> {
    return new WebGpuBackend(await openGpu());
  }

  get device(): GPUDevice {
    return this.gpu.device;
  }

  supportsDType(dtype: DType): boolean {
    return dtype !== "float64";
  }

  owns(kernel: KernelName, dtype: DType, op?: string): boolean {
    if (dtype === "float64") return false;
    if (kernel === "unary" || kernel === "binary") return ownsOp(kernel, dtype, op!);
    const only = TYPED[kernel];
    return only ? only.includes(dtype) : true;
  }

  setNumThreads(): void {}

  // ---- storage --------------------------------------------------------------------------------

  private alloc(dtype: DType, size: number): GpuStorage {
    const s = new GpuStorage(this, dtype, size, this.pool.take(size * 4));
    if (!trackStorage(s)) this.watch(s);
    return s;
  }

  /** The garbage collector hands an unreachable storage's buffer back to the pool. */
  watch(s: GpuStorage): void {
    if (!s.disposed) this.finalizer.register(s, s.buffer, s);
  }

  dispose(storage: Storage): void {
    const s = storage as GpuStorage;
    this.finalizer.unregister(s);
    const buffer = s.release();
    if (buffer) this.pool.give(buffer);
  }

  private operand(v: View, op: string): Operand {
    const s = v.storage as GpuStorage;
    if (s.backend !== this) throw new DeviceError(`webgpu: ${op}: an operand lives on backend '${s.backend.name}'; move it with .to("webgpu") first`);
    return { buffer: s.buffer, dtype: gpuDType(s.dtype, op), strides: v.strides, offset: v.offset };
  }

  private run(k: MapKernel & { groups?: number; workgroup?: number }): void {
    this.queue.dispatch(k.code, k.meta, k.buffers, k.threads, k.workgroup, k.groups);
  }

  fromArray(data: AnyTypedArray, dtype: DType): Storage {
    gpuDType(dtype, "fromArray");
    const s = this.alloc(dtype, data.length);
    const words = dtype === "bool" ? Uint32Array.from(data as Uint8Array, (v) => +(v !== 0)) : dtype === "float32" ? Float32Array.from(data as Float32Array) : Int32Array.from(data as Int32Array);
    if (words.length) this.queue.upload(s.buffer, words);
    return s;
  }

  toArray(view: View): AnyTypedArray {
    throw new DeviceError(`webgpu: a GPU tensor (shape [${view.shape.join(", ")}]) cannot be read synchronously; use 'await x.data()' (or x.itemAsync(), x.tolistAsync(), x.to("cpu") after await x.data())`);
  }

  /** Reads a view into a typed array once the kernels before it have run; raises a recorded index error. */
  async read(view: View): Promise<AnyTypedArray> {
    const dtype = view.storage.dtype;
    const n = numel(view.shape);
    const flat = this.copy(view) as GpuStorage;
    const [bytes, errors, checks] = await this.queue.download([
      { buffer: flat.buffer, offset: 0, bytes: n * 4 },
      { buffer: this.errors, offset: 0, bytes: 16 },
      { buffer: this.checks, offset: 0, bytes: 16 },
    ]);
    this.dispose(flat);
    if (this.failure !== null) {
      const message = this.failure;
      this.failure = null;
      throw new DeviceError(`webgpu: a GPU command before this read failed: ${message}`);
    }
    const err = new Int32Array(errors!);
    if (err[0] !== 0) {
      this.queue.upload(this.errors, new Int32Array(4));
      throw new IndexError(`index ${err[1]} is out of bounds for dimension ${err[2]} with size ${err[3]} (in a GPU kernel before this read)`);
    }
    const check = new Uint32Array(checks!);
    if (check[0] !== 0) {
      this.queue.upload(this.checks, CHECK_CLEAR);
      const value = new Float32Array(check.buffer, 12, 1)[0]!;
      const message = this.checkMessages[check[1]!]!.replaceAll("{position}", String(check[2]! + 1)).replaceAll("{index}", String(check[2]!)).replaceAll("{value}", shortestFloat32(value));
      throw new ValueError(`${message} (checked on the GPU before this read)`);
    }
    if (dtype === "bool") return Uint8Array.from(new Uint32Array(bytes!));
    const out = allocArray(dtype, n);
    out.set(dtype === "float32" ? new Float32Array(bytes!) : new Int32Array(bytes!));
    return out;
  }

  /** A ValueError with `message` at the next read if any element of the bool view is true (checks.ts). */
  deferCheck(flags: View, message: string, values?: View): void {
    if (flags.storage.dtype !== "bool") throw new DTypeError(`webgpu: deferCheck takes bool flags, got ${flags.storage.dtype}`);
    const n = numel(flags.shape);
    if (n === 0) return;
    const o = this.operand(flags, "deferCheck");
    const flat = isContiguous(flags.shape, flags.strides) ? null : (this.copy(flags) as GpuStorage);
    let id = this.checkIds.get(message);
    if (id === undefined) {
      id = this.checkMessages.push(message) - 1;
      this.checkIds.set(message, id);
    }
    this.checkSeq = (this.checkSeq % 0x7fffffff) + 1;
    const at = flat ? { buffer: flat.buffer, offset: 0 } : { buffer: o.buffer, offset: o.offset };
    this.run(checkKernel(n, at, this.checkSeq, id, this.checks));
    if (flat) this.dispose(flat);
    if (values) {
      // The kernel reads float32 words: another dtype or layout is cast into a flat copy first.
      const flatValues = this.flats(values)?.[0];
      const copied = flatValues ? null : (this.cast(values, "float32") as GpuStorage);
      this.run(checkValueKernel(flatValues ?? { buffer: copied!.buffer, offset: 0 }, this.checkSeq, this.checks));
      if (copied) this.dispose(copied);
    }
  }

  // ---- creation -------------------------------------------------------------------------------

  fill(size: number, value: number, dtype: DType): Storage {
    const out = this.alloc(dtype, size);
    this.run(fillKernel(size, value, gpuDType(dtype, "fill"), out.buffer));
    return out;
  }

  arange(size: number, start: number, step: number, dtype: DType): Storage {
    const out = this.alloc(dtype, size);
    this.run(arangeKernel(size, start, step, gpuDType(dtype, "arange"), out.buffer));
    return out;
  }

  random(size: number, dist: RandomDistribution, seed: number, offset: number, dtype: DType): Storage {
    if (dtype !== "float32") throw new DTypeError(`webgpu: random draws are float32, got ${dtype}`);
    const out = this.alloc(dtype, size);
    this.run(randomKernel(size, dist === "normal", seed, offset, out.buffer));
    return out;
  }

  // ---- elementwise ----------------------------------------------------------------------------

  private map(shape: readonly number[], dtype: DType, operands: readonly Operand[], expr: (v: string[]) => string): Storage {
    const out = this.alloc(dtype, numel(shape));
    this.run(mapKernel(shape, { buffer: out.buffer, dtype: gpuDType(dtype, "map") }, operands, expr));
    return out;
  }

  copy(x: View): Storage {
    return this.map(x.shape, x.storage.dtype, [this.operand(x, "copy")], ([v]) => v!);
  }

  cast(x: View, dtype: DType): Storage {
    const o = this.operand(x, "cast");
    const to = gpuDType(dtype, "cast");
    return this.map(x.shape, dtype, [o], ([v]) => convert(v!, o.dtype, to));
  }

  unary(op: UnaryOp, x: View): Storage {
    const o = this.operand(x, op);
    const expr = UNARY_EXPR[o.dtype][op];
    if (!expr) throw new DTypeError(`webgpu: unary ${op} has no ${o.dtype} kernel (the op layer promotes or refuses ${o.dtype} for ${op})`);
    const outDtype = dtypeRule(op) === "logical" ? "bool" : x.storage.dtype;
    return this.map(x.shape, outDtype, [o], ([v]) => expr(v!));
  }

  binary(op: BinaryOp, a: View, b: View): Storage {
    const [oa, ob] = [this.operand(a, op), this.operand(b, op)];
    const expr = BINARY_EXPR[oa.dtype][op];
    if (!expr) throw new DTypeError(`webgpu: binary ${op} has no ${oa.dtype} kernel (the op layer promotes or refuses ${oa.dtype} for ${op})`);
    const rule = dtypeRule(op);
    const outDtype = rule === "comparison" || rule === "logical" ? "bool" : a.storage.dtype;
    return this.map(a.shape, outDtype, [oa, ob], ([u, v]) => expr(u!, v!));
  }

  where(cond: View, a: View, b: View): Storage {
    const ops = [this.operand(cond, "where"), this.operand(a, "where"), this.operand(b, "where")];
    return this.map(a.shape, a.storage.dtype, ops, ([c, u, v]) => `select(${v}, ${u}, ${c} != 0u)`);
  }

  assign(dst: View, src: View): void {
    const d = this.operand(dst, "assign");
    // A buffer cannot be bound for writing and reading in one dispatch: copy an aliasing source first.
    const s = src.storage === dst.storage ? this.operand({ storage: this.copy(src), shape: src.shape, strides: contiguousStrides(src.shape), offset: 0 }, "assign") : this.operand(src, "assign");
    this.run(mapKernel(dst.shape, { buffer: d.buffer, dtype: d.dtype }, [s], ([v]) => convert(v!, s.dtype, d.dtype), d));
  }

  pad(x: View, pads: readonly (readonly [number, number])[], value: number): Storage {
    return padByAssign(this, x, pads, value);
  }

  concat(xs: readonly View[], axis: number): Storage {
    return concatByAssign(this, xs, axis, (dtype, size) => this.alloc(dtype, size));
  }

  // ---- reductions and lines -------------------------------------------------------------------

  reduce(op: ReduceOp, x: View, axes: readonly number[]): Storage {
    const o = this.operand(x, op);
    const out = this.alloc(x.storage.dtype, numel(x.shape.filter((_, d) => !axes.includes(d))));
    this.run(reduceKernel(op, o, x.shape, axes, out.buffer, this.subgroups));
    return out;
  }

  argReduce(op: ArgReduceOp, x: View, axis: number): Storage {
    const out = this.alloc("int32", numel(x.shape) / x.shape[axis]!);
    this.run(argReduceKernel(op, this.operand(x, op), x.shape, axis, out.buffer));
    return out;
  }

  argsort(x: View, axis: number, descending: boolean): Storage {
    const out = this.alloc("int32", numel(x.shape));
    this.run(argsortKernel(this.operand(x, "argsort"), x.shape, axis, descending, out.buffer));
    return out;
  }

  argmode(x: View, axis: number): Storage {
    const out = this.alloc("int32", numel(x.shape) / x.shape[axis]!);
    this.run(argmodeKernel(this.operand(x, "argmode"), x.shape, axis, out.buffer));
    return out;
  }

  matmul(a: View, b: View): Storage {
    const [B, M, K] = a.shape as [number, number, number];
    const N = b.shape[2]!;
    if (K === 0) return this.fill(B * M * N, 0, a.storage.dtype);
    const [oa, ob, dtype] = [this.operand(a, "matmul"), this.operand(b, "matmul"), a.storage.dtype];
    const out = this.alloc(dtype, B * M * N);
    if (M >= THIN && N >= THIN) {
      if (this.matmulForm === "broadcast") this.run(matmulBroadcastKernel(oa, ob, { B, M, K, N }, out.buffer));
      else if (this.halfProducts && dtype === "float32" && getFloat32MatmulPrecision() === "medium") {
        const scales = this.alloc("float32", B * (M + N));
        this.run(matmulScalesKernel(oa, ob, { B, M, K, N }, scales.buffer));
        this.run(matmulKernel(oa, ob, { B, M, K, N }, out.buffer, scales.buffer));
        this.dispose(scales);
      } else this.run(matmulKernel(oa, ob, { B, M, K, N }, out.buffer));
      return out;
    }
    const splits = kSplits(B, M, K, N);
    if (splits === 1) {
      this.run(matmulDirectKernel(oa, ob, { B, M, K, N }, 1, out.buffer));
      return out;
    }
    // Partial sums over slices of K, then their sum.
    const partial = this.alloc(dtype, splits * B * M * N);
    this.run(matmulDirectKernel(oa, ob, { B, M, K, N }, splits, partial.buffer));
    const parts = { buffer: partial.buffer, dtype: gpuDType(dtype, "matmul"), strides: [B * M * N, 1], offset: 0 };
    this.run(reduceKernel("sum", parts, [splits, B * M * N], [0], out.buffer, this.subgroups));
    this.dispose(partial);
    return out;
  }

  // ---- indexing -------------------------------------------------------------------------------

  private indexArgs(x: View, dim: number, index: View, op: string): IndexArgs {
    return { x: this.operand(x, op), xShape: x.shape, dim, index: this.operand(index, op), indexShape: index.shape, errors: this.errors };
  }

  gather(x: View, dim: number, index: View): Storage {
    const out = this.alloc(x.storage.dtype, numel(index.shape));
    this.run(gatherKernel(this.indexArgs(x, dim, index, "gather"), out.buffer));
    return out;
  }

  scatterAdd(base: View, dim: number, index: View, src: View): Storage {
    const out = this.copy(base) as GpuStorage;
    this.run(scatterKernel(this.indexArgs(base, dim, index, "scatterAdd"), this.operand(src, "scatterAdd"), out.buffer, "add"));
    return out;
  }

  scatterReduce(base: View, dim: number, index: View, src: View, reduce: ScatterReduceOp, includeSelf: boolean): Storage {
    const out = this.copy(base) as GpuStorage;
    const args = this.indexArgs(base, dim, index, "scatterReduce");
    const s = this.operand(src, "scatterReduce");
    if (!includeSelf) this.run(scatterKernel(args, s, out.buffer, reduce, true));
    this.run(scatterKernel(args, s, out.buffer, reduce));
    return out;
  }

  // ---- windows --------------------------------------------------------------------------------

  im2col(x: View, g: WindowGeometry, padValue: number, batchInner = false): Storage {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = windowGrid([h, w], g);
    const out = this.alloc(x.storage.dtype, n * c * g.kernel[0] * g.kernel[1] * oh * ow);
    this.run(im2colKernel(this.operand(x, "im2col"), x.shape, g, padValue, batchInner, out.buffer));
    return out;
  }

  col2im(cols: View, channels: number, size: readonly [number, number], g: WindowGeometry): Storage {
    const out = this.alloc(cols.storage.dtype, cols.shape[0]! * channels * size[0] * size[1]);
    this.run(col2imKernel(this.operand(cols, "col2im"), cols.shape, channels, size, g, out.buffer));
    return out;
  }

  // ---- fused routines: contiguous float32 views on distinct buffers, or null ("not here") --------

  /** The views as the fused kernels take them, or null: float32, contiguous, here, no buffer twice (WebGPU forbids a written buffer bound twice). */
  private flats(...views: View[]): Flat[] | null {
    const storages = views.map((v) => v.storage);
    if (new Set(storages).size !== storages.length) return null;
    if (!views.every((v) => v.storage.dtype === "float32" && v.storage instanceof GpuStorage && v.storage.backend === this && isContiguous(v.shape, v.strides))) return null;
    return views.map((v) => ({ buffer: (v.storage as GpuStorage).buffer, offset: v.offset }));
  }

  /** A new contiguous float32 result shaped as v, and its flat view. */
  private result(v: View): [GpuStorage, Flat] {
    const s = this.alloc("float32", numel(v.shape));
    return [s, { buffer: s.buffer, offset: 0 }];
  }

  /** A view as rows of its last dim: [rows, columns]; null for a scalar. */
  private static rows(v: View): [number, number] | null {
    const C = v.shape[v.shape.length - 1];
    return C === undefined ? null : [numel(v.shape) / Math.max(C, 1), C];
  }

  adamStep(param: View, grad: View, expAvg: View, expAvgSq: View, h: AdamStep): true | null {
    const f = this.flats(param, grad, expAvg, expAvgSq);
    if (!f) return null;
    this.run(adamKernel(numel(param.shape), f[0]!, f[1]!, f[2]!, f[3]!, h));
    return true;
  }

  sgdStep(param: View, grad: View, momentumBuffer: View | null, h: SgdStep): true | null {
    const f = momentumBuffer ? this.flats(param, grad, momentumBuffer) : this.flats(param, grad);
    if (!f) return null;
    this.run(sgdKernel(numel(param.shape), f[0]!, f[1]!, f[2] ?? null, h));
    return true;
  }

  softmax(x: View, log: boolean): Storage | null {
    const [f, rc] = [this.flats(x), WebGpuBackend.rows(x)];
    if (!f || !rc) return null;
    const [out, o] = this.result(x);
    this.run((this.longRows && rc[1] >= LONG_ROW ? softmaxLongRowsKernel : softmaxKernel)(rc[0], rc[1], f[0]!, o, log, this.subgroups));
    return out;
  }

  softmaxBackward(y: View, g: View, log: boolean): Storage | null {
    const [f, rc] = [this.flats(y, g), WebGpuBackend.rows(y)];
    if (!f || !rc) return null;
    const [dx, o] = this.result(y);
    this.run((this.longRows && rc[1] >= LONG_ROW ? softmaxBackwardLongRowsKernel : softmaxBackwardKernel)(rc[0], rc[1], f[0]!, f[1]!, o, log, this.subgroups));
    return dx;
  }

  layerNorm(x: View, eps: number): Storage | null {
    const [f, rc] = [this.flats(x), WebGpuBackend.rows(x)];
    if (!f || !rc) return null;
    const [out, o] = this.result(x);
    this.run(layerNormKernel(rc[0], rc[1], f[0]!, o, eps));
    return out;
  }

  layerNormBackward(x: View, g: View, eps: number): Storage | null {
    const [f, rc] = [this.flats(x, g), WebGpuBackend.rows(x)];
    if (!f || !rc) return null;
    const [dx, o] = this.result(x);
    this.run(layerNormBackwardKernel(rc[0], rc[1], f[0]!, f[1]!, o, eps));
    return dx;
  }

  /** New contiguous float32 results of these sizes, and their flat views. */
  private results(...sizes: number[]): [GpuStorage[], Flat[]] {
    const s = sizes.map((n) => this.alloc("float32", n));
    return [s, s.map((t) => ({ buffer: t.buffer, offset: 0 }))];
  }

  lstmCell(gates: View, c: View): [Storage, Storage, Storage] | null {
    const f = this.flats(gates, c);
    if (!f) return null;
    const [N, H] = c.shape as [number, number];
    const [out, o] = this.results(N * H, N * H, N * 5 * H);
    this.run(lstmCellKernel(N, H, f[0]!, f[1]!, o[0]!, o[1]!, o[2]!));
    return [out[0]!, out[1]!, out[2]!];
  }

  lstmCellBackward(act: View, c: View, dh: View | null, dcNext: View | null): [Storage, Storage] | null {
    const f = this.flats(act, c, ...(dh ? [dh] : []), ...(dcNext ? [dcNext] : []));
    if (!f) return null;
    const [N, H] = c.shape as [number, number];
    const [out, o] = this.results(N * 4 * H, N * H);
    this.run(lstmCellBackwardKernel(N, H, f[0]!, f[1]!, dh ? f[2]! : null, dcNext ? f[dh ? 3 : 2]! : null, o[0]!, o[1]!));
    return [out[0]!, out[1]!];
  }

  gruCell(xProj: View, hProj: View, h: View): [Storage, Storage] | null {
    const f = this.flats(xProj, hProj, h);
    if (!f) return null;
    const [N, H] = h.shape as [number, number];
    const [out, o] = this.results(N * H, N * 3 * H);
    this.run(gruCellKernel(N, H, f[0]!, f[1]!, f[2]!, o[0]!, o[1]!));
    return [out[0]!, out[1]!];
  }

  gruCellBackward(act: View, hProj: View, h: View, dhNext: View): [Storage, Storage, Storage] | null {
    const f = this.flats(act, hProj, h, dhNext);
    if (!f) return null;
    const [N, H] = h.shape as [number, number];
    const [out, o] = this.results(N * 3 * H, N * 3 * H, N * H);
    this.run(gruCellBackwardKernel(N, H, f[0]!, f[1]!, f[2]!, f[3]!, o[0]!, o[1]!, o[2]!));
    return [out[0]!, out[1]!, out[2]!];
  }

  gelu(x: View, approximate: "none" | "tanh"): Storage | null {
    const f = this.flats(x);
    if (!f) return null;
    const [out, o] = this.result(x);
    this.run(geluKernel(numel(x.shape), f[0]!, o, approximate === "tanh"));
    return out;
  }

  geluBackward(x: View, g: View, approximate: "none" | "tanh"): Storage | null {
    const f = this.flats(x, g);
    if (!f) return null;
    const [dx, o] = this.result(x);
    this.run(geluBackwardKernel(numel(x.shape), f[0]!, f[1]!, o, approximate === "tanh"));
    return dx;
  }

  /** Attention's sizes from q [B, L, E], k [B, S, E], v [B, S, Ev] and the mask [1 or B, L, S], or null where the kernels decline them. */
  private static attentionShape(q: View, k: View, v: View, mask: View | null): [AttentionShape, number] | null {
    const [B, L, E] = q.shape as [number, number, number];
    const [S, Ev] = [v.shape[1]!, v.shape[2]!];
    if (q.shape.length !== 3 || B * L * S === 0 || E === 0 || E > MAX_WIDTH || Ev === 0 || Ev > MAX_WIDTH) return null;
    if (mask && (mask.shape.length !== 3 || (mask.shape[0] !== 1 && mask.shape[0] !== B))) return null;
    return [{ B, L, S, E, Ev }, mask && mask.shape[0] === B ? L * S : 0];
  }

  attention(q: View, k: View, v: View, mask: View | null, spec: AttentionSpec): [Storage, Storage] | null {
    const shape = WebGpuBackend.attentionShape(q, k, v, mask);
    const f = mask ? this.flats(q, k, v, mask) : this.flats(q, k, v);
    if (!shape || !f || Math.max(shape[0].E, shape[0].Ev) > this.attentionWidth) return null;
    const [{ B, L, Ev }, batchStride] = shape;
    const [out, o] = this.results(B * L * Ev, B * L);
    this.run(attentionForwardKernel(shape[0], spec, f[0]!, f[1]!, f[2]!, mask ? { at: f[3]!, batchStride } : null, o[0]!, o[1]!));
    return [out[0]!, out[1]!];
  }

  attentionBackward(q: View, k: View, v: View, mask: View | null, out: View, lse: View, g: View, spec: AttentionSpec): [Storage, Storage] | null {
    const shape = WebGpuBackend.attentionShape(q, k, v, mask);
    const f = this.flats(q, k, v, out, lse, g, ...(mask ? [mask] : []));
    if (!shape || !f) return null;
    const [fq, fk, fv, fout, flse, fg, fmask] = f as [Flat, Flat, Flat, Flat, Flat, Flat, Flat | undefined];
    const [{ B, L, S, E, Ev }, batchStride] = shape;
    const m = fmask ? { at: fmask, batchStride } : null;
    const [stats, st] = this.results(2 * B * L);
    this.run(attentionStatsKernel(shape[0], fout, fg, flse, st[0]!));
    const [grads, d] = this.results(B * L * E, B * S * (E + Ev));
    this.run(attentionDqKernel(shape[0], spec, fq, fk, fv, m, fg, st[0]!, d[0]!));
    this.run(attentionDkvKernel(shape[0], spec, fq, fk, fv, m, fg, st[0]!, d[1]!));
    this.dispose(stats[0]!);
    return [grads[0]!, grads[1]!];
  }

  polygamma(x: View, n: number): Storage | null {
    const f = this.flats(x);
    if (!f) return null;
    const [out, o] = this.result(x);
    this.run(polygammaKernel(numel(x.shape), n, f[0]!, o));
    return out;
  }

  incompleteGamma(a: View, x: View, upper: boolean): Storage | null {
    const f = this.flats(a, x);
    if (!f) return null;
    const [out, o] = this.result(x);
    this.run(incompleteGammaKernel(numel(x.shape), upper, f[0]!, f[1]!, o));
    return out;
  }

  eigh(a: View): [Storage, Storage] | null {
    const f = this.flats(a);
    if (!f || a.shape.length !== 3) return null;
    const [B, n] = a.shape as [number, number, number];
    const [out, o] = this.results(B * n, B * n * n);
    if (B * n === 0) return [out[0]!, out[1]!];
    const [work, w] = this.results(eighWorkSize(B, n));
    this.run(eighKernel(B, n, f[0]!, w[0]!, o[0]!, o[1]!));
    this.dispose(work[0]!);
    return [out[0]!, out[1]!];
  }

  svd(a: View): [Storage, Storage, Storage] | null {
    const f = this.flats(a);
    if (!f || a.shape.length !== 3 || a.shape[1]! < a.shape[2]!) return null;
    const [B, m, n] = a.shape as [number, number, number];
    const [out, o] = this.results(B * m * n, B * n, B * n * n);
    if (B * n === 0) return [out[0]!, out[1]!, out[2]!];
    const [work, w] = this.results(svdWorkSize(B, m, n));
    this.run(svdKernel(B, m, n, f[0]!, w[0]!, o[0]!, o[1]!, o[2]!));
    this.dispose(work[0]!);
    return [out[0]!, out[1]!, out[2]!];
  }

  /** A contiguous float32 flat of v: v itself, or a copy (listed in `copies`, for the caller to dispose). */
  private dense(v: View, copies: GpuStorage[]): Flat {
    const f = this.flats(v);
    if (f) return f[0]!;
    const c = this.copy(v) as GpuStorage;
    copies.push(c);
    return { buffer: c.buffer, offset: 0 };
  }

  /** The initial state [N, H] into its slice of a sequence of states [T + 1, N, H]: the first, or running in reverse the last. */
  private initialState(h0: Flat, states: Flat, T: number, N: number, H: number, reverse: boolean): void {
    this.run(rowsIntoKernel(N * H, h0, { buffer: states.buffer, offset: (reverse ? T : 0) * N * H }, false));
  }

  /** W_hhᵀ [H, G] of W_hh [G, H], so that a step's threads (its units) read consecutive weights; the storage is the caller's to dispose. */
  private transposed(w: View): [GpuStorage, Flat] {
    const t = this.copy({ storage: w.storage, shape: [w.shape[1]!, w.shape[0]!], strides: [w.strides[1]!, w.strides[0]!], offset: w.offset }) as GpuStorage;
    return [t, { buffer: t.buffer, offset: 0 }];
  }

  /** Step k of T: its time index, the state it reads and the one it writes (reversed: t + 1 → t). */
  private static step(N: number, H: number, T: number, k: number, reverse: boolean): SequenceStep {
    const t = reverse ? T - 1 - k : k;
    return { N, H, t, p: reverse ? t + 1 : t, q: reverse ? t : t + 1 };
  }

  lstmSequence(proj: View, h0: View, c0: View, wHh: View, mask: View | null, reverse: boolean): [Storage, Storage, Storage] | null {
    const f = this.flats(proj, h0, c0, wHh, ...(mask ? [mask] : []));
    if (!f) return null;
    const [T, N, G] = proj.shape as [number, number, number];
    const H = G / 4;
    const [out, o] = this.results((T + 1) * N * H, (T + 1) * N * H, T * N * 5 * H);
    this.initialState(f[1]!, o[0]!, T, N, H, reverse);
    this.initialState(f[2]!, o[1]!, T, N, H, reverse);
    const wT = this.transposed(wHh);
    for (let k = 0; k < T; k++) {
      this.run(lstmStepKernel(WebGpuBackend.step(N, H, T, k, reverse), f[0]!, wT[1], mask ? f[4]! : null, o[0]!, o[1]!, o[2]!));
    }
    this.dispose(wT[0]);
    return [out[0]!, out[1]!, out[2]!];
  }

  lstmSequenceBackward(act: View, cs: View, wHh: View, mask: View | null, dhs: View | null, dcs: View | null, dhN: View | null, dcN: View | null, reverse: boolean): [Storage, Storage, Storage] | null {
    const f = this.flats(act, cs, wHh, ...(mask ? [mask] : []));
    if (!f) return null;
    const [T1, N, H] = cs.shape as [number, number, number];
    const T = T1 - 1;
    const size = T1 * N * H;
    // The states' gradients accumulate in place: from those that reached them, or from zero.
    const [dh, dc] = [dhs, dcs].map((d) => (d ? this.copy(d) : this.fill(size, 0, "float32")) as GpuStorage) as [GpuStorage, GpuStorage];
    const [fdh, fdc] = [{ buffer: dh.buffer, offset: 0 }, { buffer: dc.buffer, offset: 0 }];
    const last = (reverse ? 0 : T) * N * H;
    const copies: GpuStorage[] = [];
    if (dhN) this.run(rowsIntoKernel(N * H, this.dense(dhN, copies), { buffer: dh.buffer, offset: last }, true));
    if (dcN) this.run(rowsIntoKernel(N * H, this.dense(dcN, copies), { buffer: dc.buffer, offset: last }, true));
    const [out, o] = this.results(T * N * 4 * H);
    const m = mask ? f[3]! : null;
    for (let k = T - 1; k >= 0; k--) {
      const step = WebGpuBackend.step(N, H, T, k, reverse);
      this.run(lstmStepBackwardKernel(step, f[0]!, f[1]!, m, fdh, fdc, o[0]!));
      this.run(stateGradKernel(step, 4, o[0]!, f[2]!, fdh));
    }
    for (const c of copies) this.dispose(c);
    return [out[0]!, dh, dc];
  }

  gruSequence(xProj: View, h0: View, wHh: View, bHh: View, mask: View | null, reverse: boolean): [Storage, Storage] | null {
    const f = this.flats(xProj, h0, wHh, bHh, ...(mask ? [mask] : []));
    if (!f) return null;
    const [T, N, G] = xProj.shape as [number, number, number];
    const H = G / 3;
    const [out, o] = this.results((T + 1) * N * H, T * N * 4 * H);
    this.initialState(f[1]!, o[0]!, T, N, H, reverse);
    const wT = this.transposed(wHh);
    for (let k = 0; k < T; k++) {
      this.run(gruStepKernel(WebGpuBackend.step(N, H, T, k, reverse), f[0]!, wT[1], f[3]!, mask ? f[4]! : null, o[0]!, o[1]!));
    }
    this.dispose(wT[0]);
    return [out[0]!, out[1]!];
  }

  gruSequenceBackward(act: View, hs: View, wHh: View, mask: View | null, dhs: View, reverse: boolean): [Storage, Storage, Storage] | null {
    const f = this.flats(act, hs, wHh, ...(mask ? [mask] : []));
    if (!f) return null;
    const [T1, N, H] = hs.shape as [number, number, number];
    const T = T1 - 1;
    const dh = this.copy(dhs) as GpuStorage; // accumulated in place
    const fdh = { buffer: dh.buffer, offset: 0 };
    const [out, o] = this.results(T * N * 3 * H, T * N * 3 * H);
    for (let k = T - 1; k >= 0; k--) {
      const step = WebGpuBackend.step(N, H, T, k, reverse);
      this.run(gruStepBackwardKernel(step, f[0]!, f[1]!, mask ? f[3]! : null, fdh, o[0]!, o[1]!));
      this.run(stateGradKernel(step, 3, o[1]!, f[2]!, fdh));
    }
    return [out[0]!, out[1]!, dh];
  }

  rnnSequence(xProj: View, h0: View, wHh: View, mask: View | null, reverse: boolean, relu: boolean): Storage | null {
    const f = this.flats(xProj, h0, wHh, ...(mask ? [mask] : []));
    if (!f) return null;
    const [T, N, H] = xProj.shape as [number, number, number];
    const [out, o] = this.results((T + 1) * N * H);
    this.initialState(f[1]!, o[0]!, T, N, H, reverse);
    const wT = this.transposed(wHh);
    for (let k = 0; k < T; k++) this.run(rnnStepKernel(WebGpuBackend.step(N, H, T, k, reverse), relu, f[0]!, wT[1], mask ? f[3]! : null, o[0]!));
    this.dispose(wT[0]);
    return out[0]!;
  }

  rnnSequenceBackward(hs: View, wHh: View, mask: View | null, dhs: View, reverse: boolean, relu: boolean): [Storage, Storage] | null {
    const f = this.flats(hs, wHh, ...(mask ? [mask] : []));
    if (!f) return null;
    const [T1, N, H] = hs.shape as [number, number, number];
    const T = T1 - 1;
    const dh = this.copy(dhs) as GpuStorage; // accumulated in place
    const fdh = { buffer: dh.buffer, offset: 0 };
    const [out, o] = this.results(T * N * H);
    for (let k = T - 1; k >= 0; k--) {
      const step = WebGpuBackend.step(N, H, T, k, reverse);
      this.run(rnnStepBackwardKernel(step, relu, f[0]!, mask ? f[2]! : null, fdh, o[0]!));
      this.run(stateGradKernel(step, 1, o[0]!, f[1]!, fdh));
    }
    return [out[0]!, dh];
  }
}
