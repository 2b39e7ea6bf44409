/**
 * PyTorch's (and NumPy's) other names for Tensor methods (`x.multiply(y)` is `x.mul(y)`): each is
 * the same function on the prototype, installed by ops/tensor.ts and typed by the interface below.
 */
import type { Tensor } from "./tensor.js";

export const ALIASES = {
  sgn: "sign",
  clip: "clamp",
  absolute: "abs",
  negative: "neg",
  multiply: "mul",
  subtract: "sub",
  divide: "div",
  trueDivide: "div",
  greater: "gt",
  greaterEqual: "ge",
  less: "lt",
  lessEqual: "le",
  notEqual: "ne",
} as const;

type Targets = typeof ALIASES;

/** Each alias has its target's signature. */
export type Aliases = { [K in keyof Targets]: Tensor[Targets[K]] };

/** Defines every alias on the prototype (non-enumerable, like class methods). */
export function installAliases(prototype: Tensor): void {
  for (const [alias, target] of Object.entries(ALIASES)) {
    const method = (prototype as unknown as Record<string, unknown>)[target];
    if (typeof method !== "function") throw new Error(`tensor-aliases: Tensor has no method '${target}' to alias`);
    Object.defineProperty(prototype, alias, { configurable: true, writable: true, value: method });
  }
}
