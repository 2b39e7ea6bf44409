/**
 * DistributedDataParallel (torch.nn.parallel.DistributedDataParallel): every rank holds the same
 * model and runs its own share of the batch; gradients are averaged over the ranks during backward,
 * so each optimizer step sees the gradient of the whole batch and the replicas stay equal.
 *
 * As PyTorch's: parameters (and buffers) are broadcast from rank 0 at construction; gradients are
 * gathered into buckets of about bucketCapMb, in reverse registration order (about the order
 * backward produces them); a bucket's average is started on the MPI thread as soon as its last
 * gradient is accumulated, so communication overlaps the rest of backward; when the last bucket has
 * started, backward waits for them all and writes the averages back into `.grad`.
 */
import { isGradEnabled } from "../ops/grad-mode.js";
import type { Node } from "../ops/tape.js";
import { DistributedError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import { KIND, REDUCE } from "./binding.js";
import { broadcast } from "./collectives.js";
import { flatOffsets, packGradients, writeMeans } from "./gradients.js";
import { defaultGroup, type ProcessGroup } from "./process-group.js";

export interface DistributedDataParallelOptions {
  /** Bucket size in MiB (default 25, as PyTorch). */
  bucketCapMb?: number;
  /** Find the parameters a forward did not use and count them ready at once (default false). */
  findUnusedParameters?: boolean;
  /** Broadcast rank 0's buffers (batch norm's running statistics) before each forward (default true). */
  broadcastBuffers?: boolean;
  group?: ProcessGroup;
}

interface Bucket {
  params: Parameter[];
  offsets: number[];
  data: Float32Array;
  ready: number;
  reduction: Promise<number> | null;
}

/** Typed as the wrapped module: `ddp.forward(x)` takes and returns what `module.forward(x)` does. */
export class DistributedDataParallel<M extends Module = Module> extends Module<Parameters<M["forward"]>, ReturnType<M["forward"]>> {
  readonly module: M;
  private readonly group: ProcessGroup;
  private readonly buckets: Bucket[] = [];
  private readonly bucketOf = new Map<Parameter, Bucket>();
  private readonly readyParams = new Set<Parameter>();
  private readonly findUnused: boolean;
  private readonly broadcastBuffers: boolean;
  private syncing = true;
  private launched = 0;

  constructor(module: M, { bucketCapMb = 25, findUnusedParameters = false, broadcastBuffers = true, group }: DistributedDataParallelOptions = {}) {
    super();
    this.module = module;
    this.group = group ?? defaultGroup("DistributedDataParallel");
    this.findUnused = findUnusedParameters;
    this.broadcastBuffers = broadcastBuffers;
    for (const t of [...module.parameters(), ...module.buffers()]) broadcast(t, 0, { group: this.group });
    const params = module.parameters().filter((p) => p.requiresGrad);
    for (const p of params) {
      if (p.dtype !== "float32") throw new DistributedError(`DistributedDataParallel: parameters must be float32, got ${p.dtype}`);
    }
    const cap = Math.max(1, Math.floor((bucketCapMb * 2 ** 20) / 4));
    let current: Parameter[] = [];
    let size = 0;
    const close = () => {
      if (!current.length) return;
      const { offsets, length } = flatOffsets(current);
      const bucket: Bucket = { params: current, offsets, data: new Float32Array(length), ready: 0, reduction: null };
      this.buckets.push(bucket);
      for (const p of current) this.bucketOf.set(p, bucket);
      [current, size] = [[], 0];
    };
    for (const p of [...params].reverse()) {
      if (size > 0 && size + p.numel() > cap) close();
      current.push(p);
      size += p.numel();
    }
    close();
    for (const p of params) p.registerPostAccumulateGradHook(() => this.markReady(p));
  }

  forward(...args: Parameters<M["forward"]>): ReturnType<M["forward"]> {
    const ready = this.readyParams.size;
    if (ready > 0 && ready < this.bucketOf.size) {
      throw new DistributedError(
        `DistributedDataParallel: the previous backward produced gradients for ${ready} of ${this.bucketOf.size} parameters (${this.bucketOf.size - ready} unused), so it could not average them; pass {findUnusedParameters: true} if the forward does not use every parameter`,
      );
    }
    this.reset();
    if (this.broadcastBuffers && this.group.size > 1) for (const b of this.module.buffers()) broadcast(b, 0, { group: this.group });
    const out = this.module.forward(...args) as ReturnType<M["forward"]>;
    if (this.findUnused && this.syncing && isGradEnabled()) {
      const used = reachableLeaves(out);
      for (const p of this.bucketOf.keys()) if (!used.has(p)) this.markReady(p);
    }
    return out;
  }

  /**
   * Runs fn (its forward and backward passes) without averaging: gradients accumulate locally, and
   * the first backward after it averages the sum (torch's no_sync, for gradient accumulation).
   */
  noSync<T>(fn: () => T): T {
    this.syncing = false;
    try {
      return fn();
    } finally {
      this.syncing = true;
    }
  }

  private reset(): void {
    this.readyParams.clear();
    this.launched = 0;
    for (const b of this.buckets) [b.ready, b.reduction] = [0, null];
  }

  private markReady(p: Parameter): void {
    // A world of one has nothing to average: the wrapper is then the bare module.
    if (!this.syncing || this.group.size === 1 || this.readyParams.has(p)) return;
    const bucket = this.bucketOf.get(p);
    if (!bucket) return;
    this.readyParams.add(p);
    if (++bucket.ready < bucket.params.length) return;
    const last = ++this.launched === this.buckets.length;
    this.launch(bucket, last);
    if (last) this.finish();
  }

  /**
   * Copies the bucket's gradients in and starts their sum on the MPI thread; the last bucket is
   * summed at once instead (nothing is left to overlap, and a direct call is the quickest).
   */
  private launch(bucket: Bucket, last: boolean): void {
    packGradients(bucket.params, bucket.offsets, bucket.data);
    const { mpi, handle } = this.group;
    if (!mpi || this.group.size === 1) return;
    if (last) mpi.run(false, KIND.allreduce, handle, null, bucket.data, REDUCE.sum, 0, 0);
    else bucket.reduction = mpi.run(true, KIND.allreduce, handle, null, bucket.data, REDUCE.sum, 0, 0);
  }

  /** Waits for every bucket (a fence on the MPI thread) and writes the averages into `.grad`. */
  private finish(): void {
    const { mpi, handle } = this.group;
    if (mpi && this.group.size > 1) mpi.run(false, KIND.fence, handle, null, null, 0, 0, 0);
    for (const bucket of this.buckets) {
      bucket.reduction?.catch(() => {}); // the binding reports its error through the fence too
      writeMeans(bucket.params, bucket.offsets, bucket.data, this.group.size);
    }
  }
}

/** The leaf tensors a forward's output depends on, found by walking its graph. */
function reachableLeaves(out: unknown): Set<Tensor> {
  const leaves = new Set<Tensor>();
  const seen = new Set<Node>();
  const stack: Node[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object" && "gradFn" in v) {
      const t = v as Tensor;
      if (t.gradFn) stack.push(t.gradFn);
      else leaves.add(t);
    }
  };
  visit(out);
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const input of node.inputs) {
      if (input.gradFn) stack.push(input.gradFn);
      else leaves.add(input);
    }
  }
  return leaves;
}
