/**
 * The wasm backend's thread pool: Node worker threads that each instantiate the same kernel module
 * over the one shared WebAssembly.Memory, so a kernel call on a worker reads and writes the very
 * tensors the main thread holds. A call hands each worker its share (kernel id + arguments in a
 * small shared control block), runs share 0 on the calling thread, then waits for the rest.
 *
 * Dispatch cost (DESIGN §5): waking a sleeping worker with Atomics.notify costs tens of µs on a VM,
 * so workers spin briefly on their control word before sleeping — consecutive kernels of a
 * training step find them awake — and callers split only work worth hundreds of µs.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { TensorgradError } from "../../core/errors.js";

/** Kernels a worker can run, by id (their exports' names). */
export const POOL_KERNELS = ["sgemm"] as const;
export type PoolKernel = (typeof POOL_KERNELS)[number];

const SLOT = 4; // control words per worker: [sequence, done, kernel id, failed]
const MAX_ARGS = 32;

// The worker: a CommonJS script (run with eval, so it needs no file of its own next to the build).
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, args, index, kernels } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasm kernel aborted"); } } });
const table = kernels.map((name) => instance.exports[name]);
const at = index * ${SLOT};
const mine = args.subarray(index * ${MAX_ARGS}, (index + 1) * ${MAX_ARGS});
let seen = 0;
for (;;) {
  for (let spins = 0; Atomics.load(control, at) === seen; ) {
    if (++spins > 2000) { Atomics.wait(control, at, seen); spins = 0; }
  }
  seen = Atomics.load(control, at);
  const id = Atomics.load(control, at + 2);
  if (id < 0) break;
  try { table[id](...mine); } catch (e) { Atomics.store(control, at + 3, 1); }
  Atomics.store(control, at + 1, seen);
  Atomics.notify(control, at + 1);
}
`;

export function defaultThreadCount(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

export class ThreadPool {
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly args: Float64Array;

  /** `size` threads in all: the caller's own and size − 1 workers. */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, readonly size: number) {
    this.control = new Int32Array(new SharedArrayBuffer(size * SLOT * 4));
    this.args = new Float64Array(new SharedArrayBuffer(size * MAX_ARGS * 8));
    for (let index = 1; index < size; index++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control: this.control, args: this.args, index, kernels: POOL_KERNELS },
      });
      worker.unref(); // an idle pool never keeps the process alive
      this.workers.push(worker);
    }
  }

  /**
   * Runs `shares[t]` (the kernel's arguments) on thread t, share 0 on the calling thread, and
   * returns when every share is done. shares.length ≤ size.
   */
  run(kernel: PoolKernel, shares: readonly (readonly number[])[], local: (...args: number[]) => void): void {
    const id = POOL_KERNELS.indexOf(kernel);
    const started: number[] = [];
    for (let t = 1; t < shares.length; t++) {
      const share = shares[t]!;
      if (share.length > MAX_ARGS) throw new TensorgradError(`thread pool: ${kernel} takes at most ${MAX_ARGS} arguments`);
      this.args.set(share, t * MAX_ARGS);
      Atomics.store(this.control, t * SLOT + 2, id);
      started[t] = Atomics.add(this.control, t * SLOT, 1) + 1;
      Atomics.notify(this.control, t * SLOT);
    }
    local(...shares[0]!);
    let failed = false;
    for (let t = 1; t < shares.length; t++) {
      const done = t * SLOT + 1;
      for (let spins = 0; Atomics.load(this.control, done) !== started[t]; ) {
        if (++spins > 100000) {
          Atomics.wait(this.control, done, Atomics.load(this.control, done), 1);
          spins = 0;
        }
      }
      if (Atomics.exchange(this.control, t * SLOT + 3, 0)) failed = true;
    }
    if (failed) throw new TensorgradError(`wasm kernel ${kernel} failed on a worker thread`);
  }

  /** Stops the workers. */
  close(): void {
    for (let t = 1; t <= this.workers.length; t++) {
      Atomics.store(this.control, t * SLOT + 2, -1);
      Atomics.add(this.control, t * SLOT, 1);
      Atomics.notify(this.control, t * SLOT);
    }
    for (const w of this.workers) void w.terminate();
  }
}
