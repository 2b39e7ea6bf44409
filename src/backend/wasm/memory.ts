/**
 * The wasm backend's heap: one WebAssembly.Memory shared by every tensor and kernel, with a
 * JS-side allocator (free lists per 64-byte size class, bump allocation at the top) and growth up
 * to the 4 GiB wasm32 limit, past which allocation fails with a clear error.
 */
import { TensorgradError } from "../../core/errors.js";

const PAGE = 65536;
const ALIGN = 64; // cache-line alignment also suits 16-byte SIMD loads
const MAX_PAGES = 65536; // 4 GiB

export class WasmOutOfMemoryError extends TensorgradError {}

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  private top = ALIGN; // 0 stays unused so that a pointer is never 0
  private readonly free = new Map<number, number[]>();
  /** Bytes handed out and not yet freed (for leak checks and benchmarks). */
  live = 0;

  private static sizeClass(bytes: number): number {
    return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  }

  /** A shared memory can be used by worker threads too (the thread pool); 16 MiB to start. */
  constructor(readonly shared = false) {
    this.memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared });
  }

  /** Keeps [0, end) for the kernels' static data (their maths tables); call before any alloc. */
  reserve(end: number): void {
    this.top = Math.max(this.top, Math.ceil(end / ALIGN) * ALIGN);
  }

  alloc(bytes: number): number {
    const size = WasmHeap.sizeClass(bytes);
    const reuse = this.free.get(size)?.pop();
    this.live += size;
    if (reuse !== undefined) return reuse;
    const ptr = this.top;
    const end = ptr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const need = Math.ceil((end - have) / PAGE);
      const current = have / PAGE;
      // Grow geometrically so that a growing model does not pay for many small grows.
      const grow = Math.min(Math.max(need, Math.ceil(current / 2)), MAX_PAGES - current);
      if (grow < need) {
        this.live -= size;
        throw new WasmOutOfMemoryError(
          `wasm backend: out of memory allocating ${bytes} bytes (${(have / 2 ** 30).toFixed(2)} GiB in use of the 4 GiB wasm32 limit); free tensors with dispose() or use smaller batches`,
        );
      }
      this.memory.grow(grow);
    }
    this.top = end;
    return ptr;
  }

  release(ptr: number, bytes: number): void {
    const size = WasmHeap.sizeClass(bytes);
    this.live -= size;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(ptr);
  }
}
