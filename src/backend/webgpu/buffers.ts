/**
 * GPU buffers for tensor storage, pooled by size class: creating a GPUBuffer costs far more than a
 * kernel on a small tensor, and a training step frees and asks again for the same sizes every time.
 *
 * NOTE on reuse: a released buffer goes back to the pool at once. That is safe because every use
 * of a buffer is ordered on the one queue: a kernel recorded later (in the same batch or after a
 * submit) runs after the kernels that read the old contents. Only `queue.writeBuffer` jumps ahead
 * of kernels recorded but not yet submitted, so uploads flush the batch first (see WebGpuBackend).
 */
/// <reference types="@webgpu/types" />

/** Bytes, rounded up to a size class: 256-byte steps to 64 KiB, then eight steps per power of two. */
export function sizeClass(bytes: number): number {
  const b = Math.max(16, bytes);
  if (b <= 65536) return Math.ceil(b / 256) * 256;
  const step = 2 ** (Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  /** Bytes in buffers held by storage now. */
  bytesInUse = 0;
  /** Bytes in buffers waiting in the pool. */
  bytesPooled = 0;
  /** Buffers created so far (flat over a long run means the pool serves every request). */
  created = 0;

  constructor(private readonly device: GPUDevice) {}

  take(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const buffer = this.free.get(size)?.pop();
    this.bytesInUse += size;
    if (buffer) {
      this.bytesPooled -= size;
      return buffer;
    }
    this.created++;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  give(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.bytesInUse -= size;
    this.bytesPooled += size;
    const list = this.free.get(size);
    if (list) list.push(buffer);
    else this.free.set(size, [buffer]);
  }

  /** Destroys the pooled buffers (memory back to the driver); buffers in use stay. */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.bytesPooled = 0;
  }
}
