/**
 * Node's built-in modules, fetched when first used rather than imported, so that the package loads
 * in browsers too: only the features that read or write files, spawn programs or start worker
 * threads need Node, and they say so when called elsewhere.
 */
import { TensorgradError } from "./errors.js";

interface Builtins {
  "node:async_hooks": typeof import("node:async_hooks");
  "node:child_process": typeof import("node:child_process");
  "node:fs": typeof import("node:fs");
  "node:module": typeof import("node:module");
  "node:os": typeof import("node:os");
  "node:path": typeof import("node:path");
  "node:readline": typeof import("node:readline");
  "node:v8": typeof import("node:v8");
  "node:vm": typeof import("node:vm");
  "node:worker_threads": typeof import("node:worker_threads");
  "node:zlib": typeof import("node:zlib");
}

type GetBuiltin = (name: string) => unknown;

/** The module, or null outside Node (process.getBuiltinModule: Node ≥ 20.16). */
export function nodeBuiltin<K extends keyof Builtins>(name: K): Builtins[K] | null {
  const process = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process;
  return (process?.getBuiltinModule?.(name) as Builtins[K] | undefined) ?? null;
}

/** The module; outside Node, an error naming the feature that needs it. */
export function requireNode<K extends keyof Builtins>(name: K, feature: string): Builtins[K] {
  const module = nodeBuiltin(name);
  if (!module) throw new TensorgradError(`${feature} needs Node.js (≥ 20.16): it uses ${name}, which this environment lacks`);
  return module;
}

/** Whether this is Node (where files, threads and synchronous collection are available). */
export const IS_NODE = nodeBuiltin("node:fs") !== null;
