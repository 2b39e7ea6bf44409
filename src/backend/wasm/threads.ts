/**
 * The wasm backend's thread pool: workers (Node worker threads, or Web Workers in a browser page
 * that is cross-origin isolated) that each instantiate the same kernel module over the one shared
 * WebAssembly.Memory, so a kernel call on a worker reads and writes the very tensors the main
 * thread holds. A call hands each worker its share (kernel id + arguments in a small shared
 * control block), runs share 0 on the calling thread, then waits for the rest.
 *
 * Dispatch cost (DESIGN §5): waking a sleeping worker with Atomics.notify costs tens of µs to 1 ms
 * on a VM, so workers spin on their control word for SPIN_MS before sleeping — consecutive kernels
 * of a training step find them awake — and callers split small work only while they are (`awake`).
 *
 * A worker starts asynchronously (a browser may not even start it until the page's thread yields),
 * so each one raises a ready flag once its kernels are instantiated, and until then the calling
 * thread runs that worker's share itself: a call never waits on a worker that is not there.
 */
import { TensorgradError } from "../../base/errors.js";
import { IS_NODE, nodeBuiltin } from "../../base/node.js";

/** Kernels a worker can run, by id (their exports' names). */
export const POOL_KERNELS = ["sgemm", "sgemmDot", "rowsGemm", "colsGemm", "kmeansStep", "unary", "binary", "where", "reduce", "sumParts", "lstmSequence", "lstmSequenceBackward", "gruSequence", "gruSequenceBackward", "rnnSequence", "rnnSequenceBackward", "softmaxRows", "softmaxRowsBackward", "layerNormRows", "layerNormRowsBackward", "gelu", "geluBackward", "uniform", "normal", "dropout", "dropoutBackward", "im2col", "col2im", "maxPool2x2", "maxPool2x2Backward", "convert", "reluBackward", "scatterAdd", "adam", "fill32"] as const;
export type PoolKernel = (typeof POOL_KERNELS)[number];

const SLOT = 6; // control words per worker: [sequence, done, kernel id, failed, ready, awake]
const MAX_ARGS = 32;
// How long an idle worker spins before it sleeps. Waking a sleeping one costs up to 1 ms on a VM
// (measured: a 0.85 ms matmul took 1.8 after the pool slept), more than most kernels take, and a
// training step's serial stretches between split kernels are mostly shorter than this.
const SPIN_MS = 2;
const MESSAGE_BYTES = 256; // per worker: the error a failed share caught, UTF-8, NUL-padded

interface WorkerSetup {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: Int32Array;
  args: Float64Array;
  messages: Uint8Array;
  index: number;
  kernels: readonly string[];
}

/** The worker's loop, as source (it runs in a worker with no files of ours beside it). */
const SERVE = `
function serve({ module, memory, control, args, messages, index, kernels }) {
  const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasm kernel aborted"); } } });
  const table = kernels.map((name) => instance.exports[name]);
  const at = index * ${SLOT};
  const mine = args.subarray(index * ${MAX_ARGS}, (index + 1) * ${MAX_ARGS});
  Atomics.store(control, at + 5, 1);
  Atomics.store(control, at + 4, 1);
  let seen = 0;
  for (;;) {
    for (let spins = 0, since = performance.now(); Atomics.load(control, at) === seen; ) {
      if (++spins % 1024 === 0 && performance.now() - since > ${SPIN_MS}) {
        Atomics.store(control, at + 5, 0);
        Atomics.wait(control, at, seen);
        Atomics.store(control, at + 5, 1);
        since = performance.now();
      }
    }
    seen = Atomics.load(control, at);
    const id = Atomics.load(control, at + 2);
    if (id < 0) break;
    try { table[id](...mine); } catch (e) {
      const text = new TextEncoder().encode(String(e && e.stack || e)).subarray(0, ${MESSAGE_BYTES});
      const slot = messages.subarray(index * ${MESSAGE_BYTES}, (index + 1) * ${MESSAGE_BYTES});
      slot.fill(0); slot.set(text);
      Atomics.store(control, at + 3, 1);
    }
    Atomics.store(control, at + 1, seen);
    Atomics.notify(control, at + 1);
  }
}
`;

interface PoolWorker {
  terminate(): unknown;
}

interface BrowserWorker extends PoolWorker {
  postMessage(message: unknown): void;
}
type BrowserWorkerClass = new (url: string) => BrowserWorker;

const browser = globalThis as {
  Worker?: BrowserWorkerClass;
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  WorkerGlobalScope?: unknown;
  URL?: { createObjectURL(blob: Blob): string };
};

/**
 * Whether threads are possible: a SharedArrayBuffer, and workers to share it with (Node's, or a
 * browser's when the page is cross-origin isolated: served with COOP same-origin and COEP
 * require-corp).
 */
export const CAN_THREAD =
  typeof SharedArrayBuffer === "function" &&
  (IS_NODE ? nodeBuiltin("node:worker_threads") !== null : typeof browser.Worker === "function" && browser.crossOriginIsolated === true);

/** Whether this thread may block in Atomics.wait (a browser page's main thread may not). */
const CAN_BLOCK = IS_NODE || browser.WorkerGlobalScope !== undefined;

export function defaultThreadCount(): number {
  // Set by `tensorgrad launch` (cores / ranks on the host), or by hand.
  const given = Number((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORGRAD_NUM_THREADS);
  if (Number.isInteger(given) && given > 0) return given;
  const os = nodeBuiltin("node:os");
  if (os) return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, browser.navigator?.hardwareConcurrency ?? 1);
}

let workerUrl: string | null = null;

/** Starts a worker running SERVE with `setup`. */
function startWorker(setup: WorkerSetup): PoolWorker {
  const threads = nodeBuiltin("node:worker_threads");
  if (threads) {
    const worker = new threads.Worker(`${SERVE}\nserve(require("node:worker_threads").workerData);`, { eval: true, workerData: setup });
    worker.unref(); // an idle pool never keeps the process alive
    return worker;
  }
  // One script URL for the page's lifetime: the source never changes.
  workerUrl ??= browser.URL!.createObjectURL(new Blob([`${SERVE}\nonmessage = (e) => serve(e.data);`], { type: "text/javascript" }));
  const worker = new browser.Worker!(workerUrl);
  worker.postMessage(setup);
  return worker;
}

export class ThreadPool {
  private readonly workers: PoolWorker[] = [];
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private readonly messages: Uint8Array;

  /** `size` threads in all: the caller's own and size − 1 workers. */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, readonly size: number) {
    if (!CAN_THREAD) throw new TensorgradError("threads need SharedArrayBuffer and workers (in a browser: a cross-origin isolated page)");
    this.control = new Int32Array(new SharedArrayBuffer(size * SLOT * 4));
    this.args = new Float64Array(new SharedArrayBuffer(size * MAX_ARGS * 8));
    this.messages = new Uint8Array(new SharedArrayBuffer(size * MESSAGE_BYTES));
    for (let index = 1; index < size; index++) {
      this.workers.push(startWorker({ module, memory, control: this.control, args: this.args, messages: this.messages, index, kernels: POOL_KERNELS }));
    }
  }

  /** Threads ready to take a share: the caller's own and every worker that has started. */
  get ready(): number {
    let n = 1;
    for (let t = 1; t < this.size; t++) n += Atomics.load(this.control, t * SLOT + 4);
    return n;
  }

  /** Whether every worker is started and spinning (not asleep), so that a split costs no wake-up. */
  get awake(): boolean {
    for (let t = 1; t < this.size; t++) if (Atomics.load(this.control, t * SLOT + 5) === 0) return false;
    return true;
  }

  /**
   * Runs `shares[t]` (the kernel's arguments) on thread t, share 0 and the shares of workers not
   * yet started on the calling thread, and returns when every share is done. shares.length ≤ size.
   */
  run(kernel: PoolKernel, shares: readonly (readonly number[])[], local: (...args: number[]) => void): void {
    const id = POOL_KERNELS.indexOf(kernel);
    const started: number[] = [];
    for (let t = 1; t < shares.length; t++) {
      const share = shares[t]!;
      if (share.length > MAX_ARGS) throw new TensorgradError(`thread pool: ${kernel} takes at most ${MAX_ARGS} arguments`);
      if (Atomics.load(this.control, t * SLOT + 4) === 0) continue;
      this.args.set(share, t * MAX_ARGS);
      Atomics.store(this.control, t * SLOT + 2, id);
      started[t] = Atomics.add(this.control, t * SLOT, 1) + 1;
      Atomics.notify(this.control, t * SLOT);
    }
    local(...shares[0]!);
    for (let t = 1; t < shares.length; t++) if (started[t] === undefined) local(...shares[t]!);
    let failed: string | null = null;
    for (let t = 1; t < shares.length; t++) {
      if (started[t] === undefined) continue;
      const done = t * SLOT + 1;
      for (let spins = 0; Atomics.load(this.control, done) !== started[t]; ) {
        if (CAN_BLOCK && ++spins > 100000) {
          Atomics.wait(this.control, done, Atomics.load(this.control, done), 1);
          spins = 0;
        }
      }
      if (Atomics.exchange(this.control, t * SLOT + 3, 0)) failed ??= this.message(t);
    }
    if (failed !== null) throw new TensorgradError(`wasm kernel ${kernel} failed on a worker thread: ${failed}`);
  }

  /** The error worker t's last failed share caught (copied out: a shared buffer cannot be decoded in place). */
  private message(t: number): string {
    const bytes = this.messages.slice(t * MESSAGE_BYTES, (t + 1) * MESSAGE_BYTES);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
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
