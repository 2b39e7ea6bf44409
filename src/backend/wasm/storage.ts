/** Storage of the wasm backend: a block of the shared heap, seen through a typed array rebuilt after growth. */
import type { AnyTypedArray, DType } from "../../base/dtype.js";
import { TensorgradError } from "../../base/errors.js";
import { JsStorage } from "../js/index.js";
import type { WasmBackend } from "./index.js";
import type { Watch } from "./reclaim.js";

export const VIEW = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

export class WasmStorage extends JsStorage {
  private view: AnyTypedArray | null = null;
  private viewOf: ArrayBuffer | null = null;
  private address: number | null;
  /** Set once the backend's reclaimer watches this storage (see WasmBackend.watch). */
  watched: Watch | null = null;

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

  /** A view of the block; it is detached by a later growth of the memory, so never keep one across an allocation. */
  override get data(): AnyTypedArray {
    const buffer = this.wasm.heap.memory.buffer;
    if (this.view === null || this.viewOf !== buffer) {
      this.view = new VIEW[this.dtype](buffer, this.ptr, this.length);
      this.viewOf = buffer;
    }
    return this.view;
  }

  /** Left every scope (returned from the outermost one, or kept): now reclaimed by the GC. */
  escaped(): void {
    if (!this.watched && this.address !== null) this.wasm.watch(this);
  }

  override release(): void {
    if (this.address === null) return;
    this.wasm.free(this);
    this.address = null;
    this.view = null;
  }
}
