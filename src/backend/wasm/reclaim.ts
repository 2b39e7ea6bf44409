/**
 * Reclaims the heap blocks of storage the garbage collector found unreachable.
 *
 * A FinalizationRegistry calls back only between tasks, so a synchronous training loop written
 * PyTorch-style (no tg.scope, no await) would fill the heap with garbage it never gets to free.
 * In Node the heap therefore collects synchronously when it is full (see WasmHeap):
 *
 * 1. It ends the current job's hold on weakly referenced objects. The language keeps every WeakRef
 *    target that was created or deref'd in a job alive until the job ends (ClearKeptObjects, run
 *    at each microtask checkpoint); a synchronous loop is one long job, so without this nothing it
 *    watched could ever die. Running a script in a `vm` context of its own with
 *    `microtaskMode: "afterEvaluate"` performs a microtask checkpoint (of that context's empty
 *    queue) on return, and the checkpoint clears the kept objects.
 * 2. It runs a full GC (`gc`, exposed by the stable `--expose-gc` flag to a context made after
 *    setting it).
 * 3. It sweeps the WeakRefs of every watched storage: a cleared one means the storage object is
 *    gone, so its block is freed before the allocation returns.
 *
 * Soundness: a block is freed only when the storage object that owns it is unreachable: no tensor,
 * view or kernel call can use it again (kernel calls take pointers after allocating, see the
 * backend's header). Step 1 shortens one language guarantee for the rest of the process: a WeakRef
 * deref'd earlier in the same synchronous job may come back empty if its target lost every strong
 * reference meanwhile — as it would after an await.
 *
 * Everything here is stable API on Node 20, 22 and 24 (no experimental or removed V8 flag). Other
 * engines (browsers) keep the FinalizationRegistry alone, whose callbacks run between tasks; the
 * registry also serves Node between tasks, so async loops free memory without waiting for the
 * heap to fill.
 */
import { nodeBuiltin } from "../../base/node.js";

/** One watched block; the registry and the sweep both free it, whichever sees its owner die first. */
export interface Watch {
  readonly ptr: number;
  readonly bytes: number;
  /** The owner, weakly (only where collections are synchronous). */
  readonly ref: WeakRef<object> | null;
  /** Freed, or unwatched because its owner freed it itself (dispose, scopes). */
  done: boolean;
}

interface SynchronousCollection {
  gc: () => void;
  clearKeptObjects: () => void;
}

/** A full-GC function and a way to end the job's hold on WeakRef targets, where Node offers them. */
function synchronousCollection(): SynchronousCollection | null {
  const v8 = nodeBuiltin("node:v8");
  const vm = nodeBuiltin("node:vm");
  if (!v8 || !vm) return null;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("globalThis.gc") as unknown;
    if (typeof gc !== "function") return null;
    const context = vm.createContext({}, { microtaskMode: "afterEvaluate" });
    const checkpoint = new vm.Script("undefined");
    return { gc: gc as () => void, clearKeptObjects: () => checkpoint.runInContext(context) };
  } catch {
    return null;
  }
}

export class Reclaimer {
  private readonly registry: FinalizationRegistry<Watch>;
  private readonly sync: SynchronousCollection | null;
  /** Watches the sweep checks (only with synchronous collection); compacted as they finish. */
  private watches: Watch[] = [];
  private compactAt = 1024;
  /** Collections run so far, and the milliseconds they took (for tests and benchmarks). */
  collections = 0;
  collectionMs = 0;

  constructor(private readonly release: (ptr: number, bytes: number) => void) {
    this.registry = new FinalizationRegistry((w) => this.finish(w));
    this.sync = synchronousCollection();
  }

  /** Whether collect() can free garbage synchronously here. */
  get synchronous(): boolean {
    return this.sync !== null;
  }

  /** Frees [ptr, ptr + bytes) once `owner` is garbage-collected; unwatch() with the result cancels. */
  watch(owner: object, ptr: number, bytes: number): Watch {
    const w: Watch = { ptr, bytes, ref: this.sync ? new WeakRef(owner) : null, done: false };
    this.registry.register(owner, w, w);
    if (this.sync) {
      this.watches.push(w);
      if (this.watches.length >= this.compactAt) this.compact();
    }
    return w;
  }

  /** The owner frees its block itself. */
  unwatch(w: Watch): void {
    w.done = true;
    this.registry.unregister(w);
  }

  /** Runs a full GC and frees, before returning, every block whose owner it found dead. */
  collect(): void {
    if (!this.sync) return;
    const start = performance.now();
    this.sync.clearKeptObjects();
    this.sync.gc();
    const alive: Watch[] = [];
    for (const w of this.watches) {
      if (w.done) continue;
      if (w.ref!.deref() === undefined) {
        this.finish(w);
        this.registry.unregister(w);
      } else alive.push(w);
    }
    this.watches = alive;
    this.compactAt = Math.max(1024, 2 * alive.length);
    this.collections++;
    this.collectionMs += performance.now() - start;
  }

  private finish(w: Watch): void {
    if (w.done) return;
    w.done = true;
    this.release(w.ptr, w.bytes);
  }

  /** Drops finished watches from the sweep list, so async loops (freed by the registry) keep it short. */
  private compact(): void {
    this.watches = this.watches.filter((w) => !w.done);
    this.compactAt = Math.max(1024, 2 * this.watches.length);
  }
}
