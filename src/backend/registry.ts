/**
 * The explicit backend registry. Built-in backends are listed here by name; nothing registers itself
 * by side effect. A backend is created when first asked for. The CPU backends are imported here, as
 * `x.to("js")` must work synchronously. A heavy backend (WebGPU) registers an asynchronous factory,
 * which `await import()`s its code, so CPU users never load it; `await loadBackend(name)` creates it.
 */
import { ValueError } from "../base/errors.js";
import type { Backend } from "./backend.js";
import { JsBackend } from "./js/index.js";
import { WasmBackend } from "./wasm/index.js";

type Factory = () => Backend | Promise<Backend>;

const factories = new Map<string, Factory>([
  ["js", () => new JsBackend()],
  ["wasm", () => new WasmBackend()],
  // Plain SIMD128 even where relaxed SIMD is available: results independent of FMA (and tested in CI).
  ["wasm-simd128", () => new WasmBackend({ relaxedSimd: false }, "wasm-simd128")],
]);
const instances = new Map<string, Backend>();
/** The wasm backend unless the environment variable TENSORGRAD_BACKEND names another (e.g. "js" in CI's second pass). */
let current: string = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORGRAD_BACKEND ?? "wasm";

/** Adds a backend under a name; an asynchronous factory is run by loadBackend. */
export function registerBackend(name: string, factory: Factory): void {
  factories.set(name, factory);
  instances.delete(name);
}

export function listBackends(): string[] {
  return [...factories.keys()];
}

function factoryOf(name: string): Factory {
  const make = factories.get(name);
  if (!make) throw new ValueError(`unknown backend '${name}'; available: ${listBackends().join(", ")}`);
  return make;
}

export function backendByName(name: string): Backend {
  let b = instances.get(name);
  if (!b) {
    const made = factoryOf(name)();
    if (made instanceof Promise) {
      made.catch(() => {}); // loadBackend reports the failure
      throw new ValueError(`backend '${name}' loads asynchronously: call 'await loadBackend("${name}")' first`);
    }
    b = made;
    instances.set(name, b);
  }
  return b;
}

/** Creates a backend, awaiting an asynchronous factory (one that loads its code or a device). */
export async function loadBackend(name: string): Promise<Backend> {
  let b = instances.get(name);
  if (!b) {
    b = await factoryOf(name)();
    instances.set(name, b);
  }
  return b;
}

/**
 * The backend a device name means (PyTorch's `x.to("cpu")`): "cpu" is the current backend (every
 * backend here runs on the CPU), any other name a backend by its name.
 */
export function deviceBackend(name: string, op = "to"): Backend {
  if (name === "cpu") return getBackend();
  if (!factories.has(name)) {
    throw new ValueError(`${op}: unknown device '${name}'; the devices here are cpu, ${listBackends().join(", ")}${name === "cuda" || name === "gpu" || name === "mps" ? " (a GPU backend is not available yet)" : ""}`);
  }
  return backendByName(name);
}

/** Selects the backend on which new tensors are created. */
export function setBackend(name: string): void {
  backendByName(name);
  current = name;
}

export function getBackend(): Backend {
  return backendByName(current);
}

/** Threads the current backend may use for large kernels (wasm: every core in Node, 1 in browsers; js: always 1). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`setNumThreads: expected a positive integer, got ${n}`);
  getBackend().setNumThreads(n);
}

export function getNumThreads(): number {
  return getBackend().numThreads;
}
