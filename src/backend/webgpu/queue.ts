/**
 * Recording kernels: each call adds one dispatch to an open compute pass (WebGPU orders the
 * dispatches of a pass and makes each one's writes visible to the next), submitted
 * in batches (when a result is read, an upload must not overtake it, or the batch is long). Every
 * dispatch gets its parameters (shapes, strides, offsets: "meta", int32) from one arena buffer at an
 * aligned offset of its own, written once per batch, so recording costs no GPU round trip.
 *
 * Shader convention (see wgsl.ts): binding 0 is the dispatch's meta, bindings 1… its buffers in
 * the order given; params[0] is the number of threads, laid over a 2-D grid of workgroups when one
 * row of 65,535 workgroups is not enough.
 *
 * Each dispatch makes its own bind group, and Dawn frees them only when JavaScript yields to the
 * event loop: a loop that never reads piles them up (lavapipe crashed after about 600 CNN steps
 * without a read). Caching the groups (by layout, meta offset and buffers) fixed that, but lavapipe
 * 25.0 then crashed inside its execution thread on an LSTM's training whenever a group was
 * reused, so they are not cached; loops read now and then (docs/webgpu.md, "Long loops").
 */
/// <reference types="@webgpu/types" />

const ARENA_INTS = 1 << 16; // 256 KiB of meta per batch
const MAX_BATCH = 256; // dispatches per submit, so that the GPU starts while the host records
const MAX_GROUPS = 65535;

export class CommandQueue {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly meta = new Int32Array(ARENA_INTS);
  private readonly metaBuffer: GPUBuffer;
  private metaUsed = 0;
  private readonly align: number;
  private dispatches = 0;
  /** Dispatches recorded since the backend was made (for tests and benchmarks). */
  total = 0;
  /** Batches submitted and not yet known to be finished on the GPU. */
  inFlight = 0;

  constructor(readonly device: GPUDevice) {
    this.metaBuffer = device.createBuffer({ size: ARENA_INTS * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.align = device.limits.minStorageBufferOffsetAlignment / 4;
  }

  private pipeline(code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) {
      const module = this.device.createShaderModule({ code });
      p = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
      this.pipelines.set(code, p);
    }
    return p;
  }

  /**
   * Records one dispatch of `code` over `threads` threads in workgroups of `workgroup` (params[0]
   * should say how many threads do work), or exactly `groups` workgroups when given.
   */
  dispatch(code: string, meta: readonly number[], buffers: readonly GPUBuffer[], threads: number, workgroup = 256, groups?: number): void {
    const count = groups ?? Math.ceil(threads / workgroup);
    if (count === 0) return;
    const ints = Math.ceil(meta.length / this.align) * this.align;
    if (this.metaUsed + ints > ARENA_INTS || this.dispatches >= MAX_BATCH) this.flush();
    const at = this.metaUsed;
    this.meta.set(meta, at);
    this.metaUsed += ints;
    const pipeline = this.pipeline(code);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.metaBuffer, offset: at * 4, size: Math.max(4, meta.length * 4) } }];
    buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    this.encoder ??= this.device.createCommandEncoder();
    this.pass ??= this.encoder.beginComputePass();
    const pass = this.pass;
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const x = Math.min(count, MAX_GROUPS);
    pass.dispatchWorkgroups(x, Math.ceil(count / x));
    this.dispatches++;
    this.total++;
  }

  /** Submits what was recorded, after writing the batch's meta. */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = null;
    this.device.queue.writeBuffer(this.metaBuffer, 0, this.meta, 0, this.metaUsed);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.metaUsed = 0;
    this.dispatches = 0;
    // A pending promise per submit keeps Dawn (in Node) processing its events whenever the loop
    // yields, which is when it frees finished command buffers and bind groups.
    this.inFlight++;
    void this.device.queue.onSubmittedWorkDone().then(() => void this.inFlight--);
  }

  /** Writes host data into a buffer, after the kernels recorded so far (which may still read its old contents). */
  upload(buffer: GPUBuffer, data: ArrayBufferView & { buffer: ArrayBufferLike }, byteOffset = 0): void {
    this.flush();
    this.device.queue.writeBuffer(buffer, byteOffset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }

  /**
   * Copies byte ranges of buffers to the host once every kernel recorded so far has run: one
   * staging buffer and one mapAsync for all of them.
   */
  async download(ranges: readonly { buffer: GPUBuffer; offset: number; bytes: number }[]): Promise<ArrayBuffer[]> {
    this.flush();
    const starts: number[] = [];
    let size = 0;
    for (const r of ranges) {
      starts.push(size);
      size += Math.ceil(r.bytes / 4) * 4;
    }
    const staging = this.device.createBuffer({ size: Math.max(4, size), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = this.device.createCommandEncoder();
    ranges.forEach((r, i) => r.bytes > 0 && encoder.copyBufferToBuffer(r.buffer, r.offset, staging, starts[i]!, Math.ceil(r.bytes / 4) * 4));
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = staging.getMappedRange();
    const out = ranges.map((r, i) => mapped.slice(starts[i]!, starts[i]! + r.bytes));
    staging.unmap();
    staging.destroy();
    return out;
  }
}
