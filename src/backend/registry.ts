/**
 * The explicit backend registry. Built-in backends are listed here by name; nothing registers itself
 * by side effect. Heavy backends (WebGPU) will be loaded with `await import()` so CPU users never
 * pay for them.
 */
import { ValueError } from "../base/errors.js";
import type { Backend } from "./backend.js";
import { JsBackend } from "./js/index.js";
import { WasmBackend } from "./wasm/index.js";

const factories = new Map<string, () => Backend>([
  ["js", () => new JsBackend()],
  ["wasm", () => new WasmBackend()],
  // Plain SIMD128 even where relaxed SIMD is available: results independent of FMA (and tested in CI).
  ["wasm-simd128", () => new WasmBackend({ relaxedSimd: false }, "wasm-simd128")],
]);
const instances = new Map<string, Backend>();
/** The wasm backend unless the environment variable TENSORGRAD_BACKEND names another (e.g. "js" in CI's second pass). */
let current: string = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORGRAD_BACKEND ?? "wasm";

/** Adds a backend under a name (for third-party or experimental backends). */
export function registerBackend(name: string, factory: () => Backend): void {
  factories.set(name, factory);
  instances.delete(name);
}

export function listBackends(): string[] {
  return [...factories.keys()];
}

export function backendByName(name: string): Backend {
  let b = instances.get(name);
  if (!b) {
    const make = factories.get(name);
    if (!make) throw new ValueError(`unknown backend '${name}'; available: ${listBackends().join(", ")}`);
    b = make();
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

/** The current backend when it is a wasm backend (e.g. "wasm-simd128"), else the "wasm" one. */
function wasmBackend(): WasmBackend {
  const b = getBackend();
  return b instanceof WasmBackend ? b : (backendByName("wasm") as WasmBackend);
}

/** Threads the wasm backend may use for large kernels (default: every core in Node; 1 in browsers). */
export function setNumThreads(n: number): void {
  wasmBackend().setNumThreads(n);
}

export function getNumThreads(): number {
  return wasmBackend().numThreads;
}
