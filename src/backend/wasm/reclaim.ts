/**
 * Reclaims the heap blocks of storage the garbage collector found unreachable.
 *
 * A FinalizationRegistry calls back only between tasks, so a synchronous training loop written
 * PyTorch-style (no tg.scope, no await) would fill the heap with garbage it never gets to free.
 * V8 can do both halves synchronously: `gc()` finds the dead storage and the registry's
 * `cleanupSome()` runs its callbacks at once. Both are behind V8 flags, which take effect in a
 * context made after they are set, so in Node the registry and `gc` come from such a context.
 * The heap asks for a collection only when it is full and has handed out a budget of bytes since
 * the last one (see WasmHeap), so a scoped loop, which leaves no garbage, never pays for one.
 * Other engines (browsers) keep the ordinary registry, whose callbacks run between tasks.
 */
import { nodeBuiltin } from "../../core/node.js";

type Registry = FinalizationRegistry<[number, number]> & { cleanupSome?(): void };
type RegistryClass = new (cleanup: (held: [number, number]) => void) => Registry;

/** A full-GC function and a FinalizationRegistry with cleanupSome, where V8 offers them. */
function synchronousCollection(): { gc: () => void; Registry: RegistryClass } | null {
  const v8 = nodeBuiltin("node:v8");
  const vm = nodeBuiltin("node:vm");
  if (!v8 || !vm) return null;
  try {
    v8.setFlagsFromString("--expose-gc");
    v8.setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
    const made = vm.runInNewContext("({ gc: globalThis.gc, Registry: FinalizationRegistry })") as { gc?: unknown; Registry?: RegistryClass };
    if (typeof made.gc !== "function" || typeof made.Registry?.prototype.cleanupSome !== "function") return null;
    return { gc: made.gc as () => void, Registry: made.Registry };
  } catch {
    return null;
  }
}

export class Reclaimer {
  private readonly registry: Registry;
  private readonly gc: (() => void) | null;
  /** Collections run so far, and the milliseconds they took (for tests and benchmarks). */
  collections = 0;
  collectionMs = 0;

  constructor(release: (ptr: number, bytes: number) => void) {
    const sync = synchronousCollection();
    const Registry: RegistryClass = sync?.Registry ?? FinalizationRegistry;
    this.registry = new Registry(([ptr, bytes]) => release(ptr, bytes));
    this.gc = sync?.gc ?? null;
  }

  /** Whether collect() can free garbage synchronously here. */
  get synchronous(): boolean {
    return this.gc !== null;
  }

  /** Frees [ptr, ptr + bytes) once `owner` is garbage-collected. */
  watch(owner: object, ptr: number, bytes: number): void {
    this.registry.register(owner, [ptr, bytes], owner);
  }

  unwatch(owner: object): void {
    this.registry.unregister(owner);
  }

  /** Runs a full GC and frees, before returning, every block whose owner it found dead. */
  collect(): void {
    if (!this.gc) return;
    const start = performance.now();
    this.gc();
    this.registry.cleanupSome!();
    this.collections++;
    this.collectionMs += performance.now() - start;
  }
}
