/**
 * The wasm backend's heap: one WebAssembly.Memory shared by every tensor and kernel, with a
 * JS-side allocator (free lists per 64-byte size class, bump allocation at the top) and growth up
 * to the 4 GiB wasm32 limit, past which allocation fails with a clear error.
 *
 * Free blocks of one size serve only that size while the memory has room. When it has none, a
 * larger free block is split (best fit), and failing that the free blocks are coalesced with their
 * neighbours (and the top lowered past a free tail) before garbage is collected or the memory grows: without this, a
 * workload whose tensor sizes keep changing (episodes or sequences of varying length) strands its
 * freed blocks in size classes it never asks for again, and the memory grows without bound while
 * little is live.
 *
 * When no free block serves, the heap asks its collector (a synchronous GC, see reclaim.ts)
 * to free the garbage, provided it has handed out a budget of bytes since the last collection —
 * as many as were live after it, and at least COLLECT_BUDGET — so that collections stay a small
 * share of the work however large the model; only then does it grow.
 */
import { TensorgradError } from "../../base/errors.js";

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
    // The free blocks first (an exact size, a larger one split, neighbours merged), then garbage
    // (a collection frees nothing when scopes already did, and costs tens of ms), then more memory.
    let ptr = this.take(size) ?? this.fit(size);
    if (ptr === null && this.coalesce()) ptr = this.take(size) ?? this.fit(size);
    if (ptr === null && this.collector && this.sinceCollection >= Math.max(COLLECT_BUDGET, this.liveAfterCollection)) {
      this.collector();
      this.sinceCollection = 0;
      this.liveAfterCollection = this.live;
      ptr = this.take(size) ?? this.fit(size);
      if (ptr === null && this.coalesce()) ptr = this.take(size) ?? this.fit(size);
    }
    ptr ??= this.grow(size, bytes);
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

  /** The smallest free block larger than size, split: the rest stays free. */
  private fit(size: number): number | null {
    let best = 0;
    for (const [s, list] of this.free) if (s > size && list.length && (best === 0 || s < best)) best = s;
    if (best === 0) return null;
    const ptr = this.free.get(best)!.pop()!;
    this.pushFree(ptr + size, best - size);
    return ptr;
  }

  /** Merges adjacent free blocks and lowers the top past a free tail; false when nothing merged or moved. */
  private coalesce(): boolean {
    const blocks: [number, number][] = [];
    for (const [s, list] of this.free) for (const ptr of list) blocks.push([ptr, s]);
    if (blocks.length === 0) return false;
    blocks.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [ptr, s] of blocks) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[1] === ptr) last[1] += s;
      else merged.push([ptr, s]);
    }
    const tail = merged[merged.length - 1]!;
    const lowered = tail[0] + tail[1] === this.top;
    if (lowered) {
      this.top = tail[0];
      merged.pop();
    }
    if (merged.length === blocks.length && !lowered) return false;
    this.free.clear();
    for (const [ptr, s] of merged) this.pushFree(ptr, s);
    return true;
  }

  private pushFree(ptr: number, size: number): void {
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(ptr);
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
    this.pushFree(ptr, size);
  }
}
