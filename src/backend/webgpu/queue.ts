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
 * Bind groups are cached: the meta is bound at a dynamic offset, so a group depends only on the
 * layout and the buffers, and a training loop (whose buffers the pool hands out again, in the same
 * order, every step) reuses the same few hundred groups. Made afresh for every dispatch, groups
 * piled up faster than Dawn frees them when a loop runs far ahead of the GPU: lavapipe crashed
 * after about 60,000.
 */
/// <reference types="@webgpu/types" />

const ARENA_INTS = 1 << 16; // 256 KiB of meta per batch
const META_WINDOW = 1024; // ints of meta a dispatch may have: the size of binding 0 at its dynamic offset
const MAX_BIND_GROUPS = 4096; // cached, least recently used dropped first
const MAX_BATCH = 256; // dispatches per submit, so that the GPU starts while the host records
const MAX_GROUPS = 65535;

export class CommandQueue {
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout; signature: string }>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly meta = new Int32Array(ARENA_INTS);
  private readonly metaBuffer: GPUBuffer;
  private metaUsed = 0;
  private readonly align: number;
  private dispatches = 0;
  /** Dispatches recorded since the backend was made (for tests and benchmarks). */
  total = 0;
  /** Batches submitted and not yet finished on the GPU. */
  inFlight = 0;

  constructor(readonly device: GPUDevice) {
    this.metaBuffer = device.createBuffer({ size: (ARENA_INTS + META_WINDOW) * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.align = device.limits.minStorageBufferOffsetAlignment / 4;
  }

  /** The pipeline of a shader, with an explicit layout read off its bindings (binding 0 at a dynamic offset). */
  private pipeline(code: string): { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout; signature: string } {
    let p = this.pipelines.get(code);
    if (!p) {
      const access: string[] = [];
      for (const m of code.matchAll(/@binding\((\d+)\)\s*var<storage,\s*(read_write|read)>/g)) access[Number(m[1])] = m[2]!;
      const signature = access.join(",");
      let layout = this.layouts.get(signature);
      if (!layout) {
        const entries: GPUBindGroupLayoutEntry[] = access.map((a, binding) => ({
          binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: binding === 0 ? { type: "read-only-storage", hasDynamicOffset: true } : { type: a === "read" ? "read-only-storage" : "storage" },
        }));
        this.layouts.set(signature, (layout = this.device.createBindGroupLayout({ entries })));
      }
      const module = this.device.createShaderModule({ code });
      const pipeline = this.device.createComputePipeline({ layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: "main" } });
      this.pipelines.set(code, (p = { pipeline, layout, signature }));
    }
    return p;
  }

  private bufferId(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) this.bufferIds.set(buffer, (id = this.nextBufferId++));
    return id;
  }

  /** The bind group of a layout and buffers (the meta at offset 0, moved by the dispatch's dynamic offset). */
  private bindGroup(layout: GPUBindGroupLayout, signature: string, buffers: readonly GPUBuffer[]): GPUBindGroup {
    const key = `${signature}|${buffers.map((b) => this.bufferId(b)).join(",")}`;
    let group = this.bindGroups.get(key);
    if (group) this.bindGroups.delete(key); // re-inserted below: the Map's order is least recently used first
    else {
      const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.metaBuffer, offset: 0, size: META_WINDOW * 4 } }];
      buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
      group = this.device.createBindGroup({ layout, entries });
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.delete(this.bindGroups.keys().next().value!);
    }
    this.bindGroups.set(key, group);
    return group;
  }

  /**
   * Records one dispatch of `code` over `threads` threads in workgroups of `workgroup` (params[0]
   * should say how many threads do work), or exactly `groups` workgroups when given.
   */
  dispatch(code: string, meta: readonly number[], buffers: readonly GPUBuffer[], threads: number, workgroup = 256, groups?: number): void {
    const count = groups ?? Math.ceil(threads / workgroup);
    if (count === 0) return;
    if (meta.length > META_WINDOW) throw new RangeError(`webgpu: a dispatch's meta has ${meta.length} ints, more than the ${META_WINDOW} bound`);
    const ints = Math.ceil(meta.length / this.align) * this.align;
    if (this.metaUsed + ints > ARENA_INTS || this.dispatches >= MAX_BATCH) this.flush();
    const at = this.metaUsed;
    this.meta.set(meta, at);
    this.metaUsed += ints;
    const { pipeline, layout, signature } = this.pipeline(code);
    const bindGroup = this.bindGroup(layout, signature, buffers);
    this.encoder ??= this.device.createCommandEncoder();
    this.pass ??= this.encoder.beginComputePass();
    const pass = this.pass;
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup, [at * 4]);
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
    // A pending promise per submit keeps Dawn (in Node) processing its events, which is when it
    // frees finished command buffers: a loop that never reads would otherwise hold every one
    // (it crashed after about a thousand training steps without a read).
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
