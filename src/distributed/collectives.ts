/**
 * torch.distributed's collectives on tensors, in camelCase. Each rank's tensor is read into a host
 * buffer, MPI combines the buffers in place, and the result is written back into the tensor (as
 * PyTorch, in place). With asyncOp the call returns a Work at once: the operation runs on the
 * binding's MPI thread while this one goes on, and `await work.wait()` writes the result back.
 */
import { noGrad } from "../ops/grad-mode.js";
import type { AnyTypedArray } from "../base/dtype.js";
import { DistributedError, DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { JsStorage } from "../backend/js/index.js";
import { bumpVersion } from "../base/version.js";
import { KIND, REDUCE } from "./binding.js";
import { defaultGroup, type ProcessGroup } from "./process-group.js";

export type ReduceOp = "sum" | "avg" | "max" | "min" | "product";

export interface CollectiveOptions {
  group?: ProcessGroup;
  /** Return a Work at once instead of waiting (the operation overlaps what follows). */
  asyncOp?: boolean;
}

/** An asynchronous collective in flight (torch.distributed's Work): `await work.wait()`. */
export class Work {
  private completed = false;
  private readonly done: Promise<void>;

  constructor(done: Promise<void>) {
    this.done = done.then(() => void (this.completed = true));
  }

  /** Resolves when the result is in the tensors; rejects with the collective's error. */
  wait(): Promise<void> {
    return this.done;
  }

  isCompleted(): boolean {
    return this.completed;
  }
}

/**
 * The tensor's own elements, for MPI to combine in place, when they are one contiguous run of a
 * storage held in a typed array (both CPU backends; the wasm heap's view stays valid for a
 * synchronous call, which allocates nothing). Null otherwise: then a copy goes and comes back.
 */
export function ownElements(t: Tensor): AnyTypedArray | null {
  if (!t.isContiguous() || !(t.storage instanceof JsStorage)) return null;
  return t.storage.data.subarray(t.offset, t.offset + t.numel());
}

/** A tensor's elements as a fresh host buffer MPI can read and write. */
function hostBuffer(t: Tensor): AnyTypedArray {
  return t.contiguous().dataSync();
}

/** An empty buffer of the same type. */
function like(b: AnyTypedArray, length: number): AnyTypedArray {
  return new (b.constructor as new (n: number) => AnyTypedArray)(length);
}

/** Writes a host buffer back into the tensor's elements, in place and unrecorded. */
function writeBack(t: Tensor, data: AnyTypedArray): void {
  noGrad(() => t.copy_(tensor(data, { dtype: t.dtype, shape: t.shape })));
}

function memberOf(group: ProcessGroup | undefined, op: string): ProcessGroup {
  const g = group ?? defaultGroup(op);
  if (!g.isMember) throw new DistributedError(`${op}: this rank is not a member of the group (ranks ${fmtShape(g.ranks)})`);
  return g;
}

/**
 * Runs one binding operation (or, in a one-process world, nothing) and then `finish`: at once, or
 * as a Work when asyncOp.
 */
function collective(g: ProcessGroup, asyncOp: boolean | undefined, kind: number, send: AnyTypedArray | null, recv: AnyTypedArray | null, reduce: number, peer: number, finish: () => void, tag = 0): Work | void {
  if (!g.mpi) {
    finish();
    return asyncOp ? new Work(Promise.resolve()) : undefined;
  }
  if (asyncOp) return new Work(g.mpi.run(true, kind, g.handle, send, recv, reduce, peer, tag).then(finish));
  g.mpi.run(false, kind, g.handle, send, recv, reduce, peer, tag);
  finish();
}

function checkReduce(op: ReduceOp, t: Tensor, name: string): number {
  if (!Object.hasOwn(REDUCE, op) && op !== "avg") throw new ValueError(`${name}: unknown op '${op}'; ops are sum, avg, max, min, product`);
  if (op === "avg" && t.dtype !== "float32" && t.dtype !== "float64") throw new DTypeError(`${name}: op 'avg' needs a floating-point tensor, got ${t.dtype}`);
  return REDUCE[op === "avg" ? "sum" : op];
}

/** Combines the tensor across the group's ranks, in place (torch.distributed.all_reduce). */
export function allReduce(t: Tensor, { op = "sum", group, asyncOp }: CollectiveOptions & { op?: ReduceOp } = {}): Work | void {
  const g = memberOf(group, "allReduce");
  const reduce = checkReduce(op, t, "allReduce");
  const own = asyncOp ? null : ownElements(t);
  const data = own ?? hostBuffer(t);
  return collective(g, asyncOp, KIND.allreduce, null, data, reduce, 0, () => {
    if (op === "avg") for (let i = 0; i < data.length; i++) data[i]! /= g.size;
    if (own) bumpVersion(t.storage);
    else writeBack(t, data);
  });
}

/** Copies the tensor of rank `src` (a rank of the group) into every rank's (torch.distributed.broadcast). */
export function broadcast(t: Tensor, src = 0, { group, asyncOp }: CollectiveOptions = {}): Work | void {
  const g = memberOf(group, "broadcast");
  if (!Number.isInteger(src) || src < 0 || src >= g.size) throw new ValueError(`broadcast: src must be a rank of the group in [0, ${g.size}), got ${src}`);
  const own = asyncOp ? null : ownElements(t);
  const data = own ?? hostBuffer(t);
  return collective(g, asyncOp, KIND.broadcast, null, data, 0, src, () => (own ? bumpVersion(t.storage) : writeBack(t, data)));
}

/** Every rank's tensor into every rank's list, in rank order (torch.distributed.all_gather). */
export function allGather(outputs: Tensor[], t: Tensor, { group, asyncOp }: CollectiveOptions = {}): Work | void {
  const g = memberOf(group, "allGather");
  if (outputs.length !== g.size) throw new ShapeError(`allGather: expected ${g.size} output tensors (one per rank), got ${outputs.length}`);
  for (const o of outputs) {
    if (o.numel() !== t.numel() || o.dtype !== t.dtype) throw new ShapeError(`allGather: each output must match the input (${fmtShape(t.shape)} ${t.dtype}), got ${fmtShape(o.shape)} ${o.dtype}`);
  }
  const send = hostBuffer(t);
  const recv = like(send, send.length * g.size);
  if (!g.mpi) recv.set(send);
  return collective(g, asyncOp, KIND.allgather, send, recv, 0, 0, () => outputs.forEach((o, r) => writeBack(o, recv.subarray(r * send.length, (r + 1) * send.length))));
}

/**
 * Reduces the ranks' lists element-wise and leaves the i-th reduced tensor on rank i
 * (torch.distributed.reduce_scatter): inputs holds one tensor per rank, each shaped as output.
 */
export function reduceScatter(output: Tensor, inputs: Tensor[], { op = "sum", group, asyncOp }: CollectiveOptions & { op?: ReduceOp } = {}): Work | void {
  const g = memberOf(group, "reduceScatter");
  const reduce = checkReduce(op, output, "reduceScatter");
  if (inputs.length !== g.size) throw new ShapeError(`reduceScatter: expected ${g.size} input tensors (one per rank), got ${inputs.length}`);
  const n = output.numel();
  for (const i of inputs) {
    if (i.numel() !== n || i.dtype !== output.dtype) throw new ShapeError(`reduceScatter: each input must match the output (${fmtShape(output.shape)} ${output.dtype}), got ${fmtShape(i.shape)} ${i.dtype}`);
  }
  const parts = inputs.map(hostBuffer);
  const send = like(parts[0]!, n * g.size);
  parts.forEach((p, r) => send.set(p, r * n));
  const recv = like(send, n);
  if (!g.mpi) recv.set(send.subarray(0, n));
  return collective(g, asyncOp, KIND.reduceScatter, send, recv, reduce, 0, () => {
    if (op === "avg") for (let i = 0; i < recv.length; i++) recv[i]! /= g.size;
    writeBack(output, recv);
  });
}

/** Waits until every rank of the group has reached it. */
export function barrier({ group, asyncOp }: CollectiveOptions = {}): Work | void {
  const g = memberOf(group, "barrier");
  return collective(g, asyncOp, KIND.barrier, null, null, 0, 0, () => {});
}

/** Sends the tensor's elements to rank dst of the group (torch.distributed.send). */
export function send(t: Tensor, dst: number, { group, tag = 0 }: { group?: ProcessGroup; tag?: number } = {}): void {
  const g = memberOf(group, "send");
  if (!g.mpi || dst === g.rank) throw new DistributedError(`send: rank ${g.rank} cannot send to rank ${dst} of a group of ${g.size}`);
  collective(g, false, KIND.send, hostBuffer(t), null, 0, dst, () => {}, tag);
}

/** Receives a message from rank src into the tensor (as many elements as it has; torch.distributed.recv). */
export function recv(t: Tensor, src: number, { group, tag = 0 }: { group?: ProcessGroup; tag?: number } = {}): void {
  const g = memberOf(group, "recv");
  if (!g.mpi || src === g.rank) throw new DistributedError(`recv: rank ${g.rank} cannot receive from rank ${src} of a group of ${g.size}`);
  const data = hostBuffer(t);
  collective(g, false, KIND.recv, null, data, 0, src, () => writeBack(t, data), tag);
}
