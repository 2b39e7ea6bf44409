/**
 * tg.save / tg.load, PyTorch's torch.save and torch.load for what models and training loops
 * save: state dicts and nested objects (records, arrays, numbers, strings, booleans, null) holding
 * tensors. The file is safetensors — every tensor under its path ("model.fc1.weight"), the
 * structure as JSON in the header's metadata — so a saved state dict is a plain safetensors file
 * that Python's safetensors and PyTorch read, and any safetensors file loads as a state dict.
 * Nothing is executed on load (unlike pickle). Writes are atomic.
 */
import { FormatError, ValueError } from "../base/errors.js";
import { Tensor } from "../ops/tensor.js";
import { writeFileAtomic } from "./atomic.js";
import { encodeSafetensors, parseSafetensors, readSafetensors, type StateDict } from "./safetensors.js";

const STRUCTURE_KEY = "tensorgrad.object";

/** The JSON form: tensors replaced by {"$tensor": key}, non-finite numbers by {"$number": "NaN"}. */
type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

function encode(value: unknown, path: string[], tensors: Map<Tensor, string>, taken: Set<string>, seen: Set<object>): Encoded {
  if (value instanceof Tensor) {
    let key = tensors.get(value);
    if (key === undefined) {
      const base = path.length ? path.join(".") : "tensor";
      key = base;
      for (let i = 2; taken.has(key); i++) key = `${base}#${i}`;
      taken.add(key);
      tensors.set(value, key);
    }
    return { $tensor: key };
  }
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === "object") {
    if (seen.has(value)) throw new ValueError(`save: the object has a cycle at '${path.join(".")}'`);
    seen.add(value);
    const out = Array.isArray(value)
      ? value.map((v, i) => encode(v, [...path, String(i)], tensors, taken, seen))
      : Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, [...path, k], tensors, taken, seen)]))
        : unsupported(value, path);
    seen.delete(value);
    return out;
  }
  return unsupported(value, path);
}

function unsupported(value: unknown, path: string[]): never {
  const what = typeof value === "object" ? (value as object).constructor?.name ?? "object" : typeof value;
  throw new ValueError(`save: cannot save a ${what} at '${path.join(".") || "(root)"}'; save tensors, plain objects, arrays, numbers, strings, booleans and null (a Module: save module.stateDict())`);
}

/** The file's bytes (safetensors) for an object holding tensors. */
export function serialize(obj: unknown): Uint8Array[] {
  const tensors = new Map<Tensor, string>();
  const structure = encode(obj, [], tensors, new Set(), new Set());
  const state: StateDict = {};
  for (const [t, key] of tensors) state[key] = t;
  return encodeSafetensors(state, { [STRUCTURE_KEY]: JSON.stringify(structure) });
}

/** Saves an object holding tensors (a state dict, a checkpoint record, …) to a file, atomically. */
export function save(obj: unknown, file: string): void {
  writeFileAtomic(file, serialize(obj));
}

function decode(value: Encoded, tensors: StateDict, source: string): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => decode(v, tensors, source));
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "$tensor") {
    const key = value.$tensor as string;
    if (!Object.hasOwn(tensors, key)) throw new FormatError(`${source}: the structure names tensor '${key}', which the file does not hold`);
    return tensors[key];
  }
  if (keys.length === 1 && keys[0] === "$number") return Number(value.$number);
  const out: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(out, k, { value: decode(value[k]!, tensors, source), enumerable: true, writable: true, configurable: true });
  return out;
}

function rebuild(parsed: { tensors: StateDict; metadata: Record<string, string> }, source: string): unknown {
  const text = parsed.metadata[STRUCTURE_KEY];
  if (text === undefined) return parsed.tensors; // any safetensors file: its state dict
  let structure: Encoded;
  try {
    structure = JSON.parse(text) as Encoded;
  } catch (e) {
    throw new FormatError(`${source}: the saved structure is not valid JSON (${(e as Error).message})`);
  }
  return decode(structure, parsed.tensors, source);
}

/** Reads an object saved by save() from bytes. */
export const deserialize = (bytes: Uint8Array, source = "saved bytes"): unknown => rebuild(parseSafetensors(bytes, source), source);

/** Loads what save() wrote (or any safetensors file, as a state dict). */
export const load = (file: string): unknown => rebuild(readSafetensors(file), file);
