/**
 * The wasm backend's heap: one WebAssembly.Memory shared by every tensor and kernel, with a
 * JS-side allocator (free lists per 64-byte size class, bump allocation at the top) and growth up
 * to the 4 GiB wasm32 limit, past which allocation fails with a clear error.
 *
 * When the memory is full, the heap first asks its collector (a synchronous GC, see reclaim.ts)
 * to free the garbage, provided it has handed out a budget of bytes since the last collection —
 * as many as were live after it, and at least COLLECT_BUDGET — so that collections stay a small
 * share of the work however large the model; only then does it grow.
 */
import { TensorgradError } from "../../core/errors.js";

const PAGE = 65536;
const ALIGN = 64; // cache-line alignment also suits 16-byte SIMD loads
const MAX_PAGES = 65536; // 4 GiB
const COLLECT_BUDGET = 128 * 2 ** 20;

export class WasmOutOfMemoryError extends TensorgradError {}

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  private top = ALIGN; // 0 stays unused so that a pointer is never 0
  private readonly free = new Map<number, number[]>();
  /** Bytes handed out and not yet freed (for leak checks and benchmarks). */
  live = 0;
  /** Frees the blocks of unreachable storage at once (set by the backend where the engine allows). */
  collector: (() => void) | null = null;
  private sinceCollection = 0;
  private liveAfterCollection = 0;

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
    let ptr = this.take(size);
    if (ptr === null && this.collector && this.sinceCollection >= Math.max(COLLECT_BUDGET, this.liveAfterCollection)) {
      this.collector();
      this.sinceCollection = 0;
      this.liveAfterCollection = this.live;
      ptr = this.take(size);
    }
    if (ptr === null) ptr = this.grow(size, bytes);
    this.live += size;
    this.sinceCollection += size;
    return ptr;
  }

  /** A freed block of this size class, or one from the top while the memory has room. */
  private take(size: number): number | null {
    const reuse = this.free.get(size)?.pop();
    if (reuse !== undefined) return reuse;
    if (this.top + size > this.memory.buffer.byteLength) return null;
    const ptr = this.top;
    this.top += size;
    return ptr;
  }

  /** Grows the memory (geometrically, so a growing model pays for few grows) and takes the block from the top. */
  private grow(size: number, bytes: number): number {
    const have = this.memory.buffer.byteLength;
    const need = Math.ceil((this.top + size - have) / PAGE);
    const current = have / PAGE;
    const grow = Math.min(Math.max(need, Math.ceil(current / 2)), MAX_PAGES - current);
    if (grow < need) {
      throw new WasmOutOfMemoryError(
        `wasm backend: out of memory allocating ${bytes} bytes (${(have / 2 ** 30).toFixed(2)} GiB in use of the 4 GiB wasm32 limit); free tensors with dispose() or use smaller batches`,
      );
    }
    this.memory.grow(grow);
    const ptr = this.top;
    this.top += size;
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
