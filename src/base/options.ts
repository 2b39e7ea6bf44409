/**
 * Options objects checked at run time. TypeScript checks them at compile time, but a JavaScript
 * caller (or a TypeScript one through `any`) could pass `{mask}` for `{srcMask}` or
 * `{approximate: true}` and silently get the defaults; this throws instead, naming the function,
 * the key and what it accepts.
 */
import { ValueError } from "./errors.js";

/** What a key takes: a JS type, "tensor" (duck-typed: has shape and dtype), or a list of allowed values. */
export type OptionKind = "number" | "integer" | "boolean" | "string" | "function" | "object" | "tensor" | "array" | "any" | readonly (string | number | boolean)[];

export type OptionSpec = Readonly<Record<string, OptionKind>>;

function fits(value: unknown, kind: OptionKind): boolean {
  if (Array.isArray(kind)) return kind.includes(value as string);
  switch (kind) {
    case "number":
      return typeof value === "number";
    case "integer":
      return Number.isInteger(value);
    case "tensor":
      return typeof value === "object" && value !== null && "shape" in value && "dtype" in value;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object";
    case "any":
      return true;
    default:
      return typeof value === kind;
  }
}

const describe = (kind: OptionKind) => (Array.isArray(kind) ? kind.map((v) => JSON.stringify(v)).join(" | ") : kind === "integer" ? "an integer" : `a ${kind}`);

/**
 * Checks `opts` against `spec`: every key must be known, and every value given (not undefined or
 * null, which mean "the default") of its kind. Returns opts, typed as given.
 */
export function checkOptions<T>(op: string, opts: T, spec: OptionSpec): T {
  if (opts === undefined || opts === null) return opts;
  if (typeof opts !== "object" || Array.isArray(opts)) throw new ValueError(`${op}: options must be an object ({${Object.keys(spec).join(", ")}}), got ${Array.isArray(opts) ? "an array" : typeof opts}`);
  for (const [key, value] of Object.entries(opts as object)) {
    if (!Object.hasOwn(spec, key)) throw new ValueError(`${op}: unknown option '${key}'; the options are ${Object.keys(spec).join(", ")}`);
    if (value !== undefined && value !== null && !fits(value, spec[key]!)) {
      throw new ValueError(`${op}: option '${key}' must be ${describe(spec[key]!)}, got ${typeof value === "string" ? JSON.stringify(value) : typeof value}`);
    }
  }
  return opts;
}

/** A positional argument restricted to a few values (e.g. gelu's approximate). */
export function checkChoice<T extends string | number | boolean>(op: string, name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new ValueError(`${op}: ${name} must be ${choices.map((c) => JSON.stringify(c)).join(" or ")}, got ${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  }
  return value as T;
}
