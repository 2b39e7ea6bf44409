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
  // The GPU: its code (and Dawn, in Node) loads only when asked for, with `await loadBackend("webgpu")`.
  ["webgpu", async () => (await import("./webgpu/index.js")).WebGpuBackend.create()],
]);
const instances = new Map<string, Backend>();
/** Backends whose factory is asynchronous (they load code or open a device). */
const asynchronous = new Set(["webgpu"]);
/** The wasm backend unless the environment variable TENSORGRAD_BACKEND names another (e.g. "js" in CI's second pass). */
let current: string = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORGRAD_BACKEND ?? "wasm";

/** Adds a backend under a name; an asynchronous factory (say so in options) is run by loadBackend. */
export function registerBackend(name: string, factory: Factory, options: { asynchronous?: boolean } = {}): void {
  factories.set(name, factory);
  instances.delete(name);
  if (options.asynchronous) asynchronous.add(name);
  else asynchronous.delete(name);
}

export function listBackends(): string[] {
  return [...factories.keys()];
}

/** The backends usable at once, without `await loadBackend(name)`: the CPU ones, and any asynchronous one already loaded. */
export function readyBackends(): string[] {
  return listBackends().filter((name) => instances.has(name) || !asynchronous.has(name));
}

function factoryOf(name: string): Factory {
  const make = factories.get(name);
  if (!make) throw new ValueError(`unknown backend '${name}'; available: ${listBackends().join(", ")}`);
  return make;
}

export function backendByName(name: string): Backend {
  let b = instances.get(name);
  if (!b) {
    if (asynchronous.has(name)) throw new ValueError(`backend '${name}' loads asynchronously: call 'await tg.loadBackend("${name}")' (or 'await tg.device("${name}")') first`);
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

/** What "cpu" means: the current backend, or wasm while the current one is a device (the GPU). */
function cpuBackend(): Backend {
  return asynchronous.has(current) ? backendByName("wasm") : getBackend();
}

/**
 * The backend a device name means (PyTorch's `x.to("cpu")`): "cpu" is the current backend (every
 * backend here runs on the CPU), any other name a backend by its name.
 */
export function deviceBackend(name: string, op = "to"): Backend {
  if (name === "cpu") return cpuBackend();
  if (!factories.has(name)) {
    throw new ValueError(`${op}: unknown device '${name}'; the devices here are cpu, ${listBackends().join(", ")}${name === "cuda" || name === "gpu" || name === "mps" ? " (the GPU backend is 'webgpu': await tg.device('webgpu') first)" : ""}`);
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

/**
 * Loads a device's backend and returns it (PyTorch's torch.device, awaited because a GPU opens
 * asynchronously): `const gpu = await tg.device("webgpu"); x.to("webgpu")`. "cpu" is the current CPU backend.
 */
export async function device(name: string): Promise<Backend> {
  if (name === "cpu") return cpuBackend();
  return loadBackend(name);
}

/** Where new tensors are created (PyTorch's torch.set_default_device); loads the device first. */
export async function setDefaultDevice(name: string): Promise<void> {
  const b = await device(name);
  current = name === "cpu" ? b.name : name;
}
