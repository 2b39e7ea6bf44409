/**
 * The wasm backend (first slice): tensors live in one WebAssembly.Memory managed by WasmHeap and
 * are reclaimed automatically (FinalizationRegistry) or at once with dispose(). float32 matmul runs
 * in a WebAssembly SIMD kernel (wasm/kernels.ts); the other primitives still use the reference
 * loops, reading and writing the same memory through typed-array views, so the whole conformance
 * suite passes while kernels move to wasm one by one.
 */
import type { AnyTypedArray, DType } from "../../core/dtype.js";
import { TensorgradError } from "../../core/errors.js";
import type { Storage, View } from "../backend.js";
import { JsBackend, JsStorage } from "../js/index.js";
import { KERNELS_WASM_BASE64 } from "./kernels.generated.js";
import { WasmHeap } from "./memory.js";

const VIEW = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

interface Kernels {
  sgemm(a: number, b: number, c: number, M: number, N: number, K: number): void;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  if (typeof atob === "function") return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return Uint8Array.from(Buffer.from(b64, "base64"));
}

/** Storage in the wasm heap; the typed-array view is rebuilt whenever the memory has grown. */
export class WasmStorage extends JsStorage {
  private view: AnyTypedArray | null = null;
  private viewOf: ArrayBuffer | null = null;
  private address: number | null;

  constructor(
    readonly wasm: WasmBackend,
    dtype: DType,
    ptr: number,
    readonly length: number,
    readonly bytes: number,
  ) {
    super(wasm, dtype, null);
    this.address = ptr;
  }

  get ptr(): number {
    if (this.address === null) throw new TensorgradError("this tensor's storage was disposed");
    return this.address;
  }

  override get size(): number {
    return this.length;
  }

  override get data(): AnyTypedArray {
    const buffer = this.wasm.heap.memory.buffer;
    if (this.view === null || this.viewOf !== buffer) {
      this.view = new VIEW[this.dtype](buffer, this.ptr, this.length);
      this.viewOf = buffer;
    }
    return this.view;
  }

  override release(): void {
    if (this.address === null) return;
    this.wasm.free(this);
    this.address = null;
    this.view = null;
  }
}

export class WasmBackend extends JsBackend {
  override readonly name = "wasm";
  readonly heap = new WasmHeap();
  private readonly kernels: Kernels;
  /** Frees the heap block of a storage object once it has been garbage-collected. */
  private readonly reclaim = new FinalizationRegistry<[number, number]>(([ptr, bytes]) => this.heap.release(ptr, bytes));

  constructor() {
    super();
    const module = new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64));
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory: this.heap.memory,
        abort: () => {
          throw new TensorgradError("wasm kernel aborted");
        },
      },
    });
    this.kernels = instance.exports as unknown as Kernels;
  }

  /** New storage of `length` elements in the heap (contents unspecified). */
  allocate(dtype: DType, length: number): WasmStorage {
    const bytes = length * VIEW[dtype].BYTES_PER_ELEMENT;
    const ptr = this.heap.alloc(Math.max(bytes, 1));
    const s = new WasmStorage(this, dtype, ptr, length, bytes);
    this.reclaim.register(s, [ptr, Math.max(bytes, 1)], s);
    return s;
  }

  free(s: WasmStorage): void {
    this.reclaim.unregister(s);
    this.heap.release(s.ptr, Math.max(s.bytes, 1));
  }

  protected override make(dtype: DType, data: AnyTypedArray): JsStorage {
    const s = this.allocate(dtype, data.length);
    s.data.set(data);
    return s;
  }

  /** Reads into a JS-owned array: views into the heap would be detached by a later memory grow. */
  override toArray(v: View): AnyTypedArray {
    const s = this.copy(v) as WasmStorage;
    const out = s.data.slice();
    s.release();
    return out;
  }

  /** A contiguous [rows, cols] float32 copy of a 2-D view in the heap (or the view itself if it already is). */
  private contiguous2d(v: View, batchOffset: number, rows: number, cols: number): { ptr: number; temp: WasmStorage | null } {
    const [, sr, sc] = v.strides as [number, number, number];
    const storage = v.storage as WasmStorage;
    if (sc === 1 && sr === cols) return { ptr: storage.ptr + 4 * (v.offset + batchOffset), temp: null };
    const temp = this.allocate("float32", rows * cols);
    const src = storage.data;
    const dst = temp.data;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) dst[i * cols + j] = src[v.offset + batchOffset + i * sr + j * sc]!;
    return { ptr: temp.ptr, temp };
  }

  override matmul(a: View, b: View): Storage {
    if (a.storage.dtype !== "float32" || !(a.storage instanceof WasmStorage) || !(b.storage instanceof WasmStorage)) return super.matmul(a, b);
    const [B, M, K] = a.shape as [number, number, number];
    const N = b.shape[2]!;
    const out = this.allocate("float32", B * M * N);
    for (let bi = 0; bi < B; bi++) {
      // Operands are packed to row-major when strided (a transpose, a slice); allocations come
      // first, pointers after, since a memory grow moves no pointer but detaches views.
      const pa = this.contiguous2d(a, bi * a.strides[0]!, M, K);
      const pb = this.contiguous2d(b, bi * b.strides[0]!, K, N);
      this.kernels.sgemm(pa.ptr, pb.ptr, out.ptr + 4 * bi * M * N, M, N, K);
      pa.temp?.release();
      pb.temp?.release();
    }
    return out;
  }
}
