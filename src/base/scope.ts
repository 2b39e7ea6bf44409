/**
 * Scopes: deterministic release of the memory a block of code allocates.
 *
 * Tensors are reclaimed when they become unreachable (the wasm backend frees their heap blocks from
 * a FinalizationRegistry), but a synchronous training loop never yields to the event loop, where
 * those callbacks run, so its garbage would pile up. `scope(fn)` frees at its end every storage
 * allocated inside fn except the ones fn returns (tensors, or arrays/objects of them), which pass to
 * the enclosing scope; `keep(t)` exempts a tensor from every scope (optimizer state, leaf
 * gradients). backward() and Optimizer.step() run in scopes of their own, so their temporaries are
 * freed at once; a loop body wrapped in `tg.scope` frees its forward activations too.
 */
import { ValueError } from "./errors.js";
import type { Storage } from "../backend/backend.js";

const stack: Set<Storage>[] = [];

/** A storage that wants to know when it leaves every scope (to arrange its own reclamation then). */
interface Escapable {
  escaped?(): void;
}

/**
 * Called by backends for every storage they allocate: true when a scope now owns it (and will free
 * or hand it on), false when no scope is open.
 */
export function trackStorage(s: Storage): boolean {
  const top = stack[stack.length - 1];
  top?.add(s);
  return top !== undefined;
}

interface HasStorage {
  readonly storage: Storage;
}

function isTensorLike(v: unknown): v is HasStorage {
  return typeof v === "object" && v !== null && "storage" in v && "shape" in v && "strides" in v;
}

/**
 * Marks instances of a class as containers whose own fields hold tensors (a graph's Data): scope
 * results and keep() look inside them as inside plain objects.
 */
export const TENSOR_CONTAINER: unique symbol = Symbol.for("tensorgrad.tensorContainer");

const isContainer = (v: object) => (v as { [TENSOR_CONTAINER]?: unknown })[TENSOR_CONTAINER] === true;

/** Every storage referenced by a value: a tensor, or arrays, Maps, plain objects and containers holding tensors. */
function storagesOf(value: unknown, out: Set<Storage>, seen = new Set<unknown>()): Set<Storage> {
  if (typeof value !== "object" || value === null || seen.has(value)) return out;
  seen.add(value);
  if (isTensorLike(value)) {
    out.add(value.storage);
    const grad = (value as { grad?: unknown }).grad;
    if (grad) storagesOf(grad, out, seen);
  } else if (Array.isArray(value)) for (const v of value) storagesOf(v, out, seen);
  else if (value instanceof Map) for (const v of value.values()) storagesOf(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype || isContainer(value)) for (const v of Object.values(value)) storagesOf(v, out, seen);
  return out;
}

/** Whether the innermost open scope allocated this storage (so nothing outside that scope holds it yet). */
export function ownedByInnermostScope(s: Storage): boolean {
  return stack[stack.length - 1]?.has(s) ?? false;
}

/** Removes the storage of tensors (in any structure, as scope's result) from every open scope. */
export function keep<T>(value: T): T {
  const storages = storagesOf(value, new Set());
  for (const s of storages) {
    let owned = false;
    for (const frame of stack) owned = frame.delete(s) || owned;
    if (owned) (s as Escapable).escaped?.();
  }
  return value;
}

/** Frees the storages `release` picks; the others pass to the enclosing scope, or to the GC outside any. */
function handOn(storages: Set<Storage>, release: (s: Storage) => boolean): void {
  const parent = stack[stack.length - 1];
  for (const s of storages) {
    if (release(s)) s.backend.dispose(s);
    else if (parent) parent.add(s);
    else (s as Escapable).escaped?.();
  }
}

/**
 * Runs fn and frees every storage it allocated that its result does not reference. fn must be
 * synchronous (a scope is a stretch of one call stack). Tensors created inside and stored
 * elsewhere (a field, an outer variable) must be returned or passed to keep().
 */
export function scope<T>(fn: () => T): T {
  const mine = new Set<Storage>();
  stack.push(mine);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    // Nothing is freed on an error (a caller may still hold what fn made); it passes on instead.
    stack.pop();
    handOn(mine, () => false);
    throw error;
  }
  stack.pop();
  if (result instanceof Promise) {
    handOn(mine, () => false);
    throw new ValueError("tg.scope: the function returned a Promise; scopes take synchronous functions (wrap each step, not the loop)");
  }
  const returned = storagesOf(result, new Set());
  handOn(mine, (s) => !returned.has(s));
  return result;
}
