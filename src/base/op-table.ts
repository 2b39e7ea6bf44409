/**
 * The one table of elementwise and reduction ops. Everything that lists them derives from it:
 * - the backend contract's op types (`UnaryOp`, `BinaryOp`, `ReduceOp`);
 * - the primitives of the same names, each running its backend kernel (ops/primitives.ts);
 * - the user-facing ops' dtype handling (ops/elementwise.ts);
 * - which results are bool (the kernels);
 * - the wasm op codes (wasm/op-codes.ts, written by tools/op-codes.ts and byte-checked by a test);
 * - the conformance suite's lists.
 *
 * Adding a unary op takes four pieces:
 * 1. its row here;
 * 2. its gradient rule (autograd/rules/elementwise.ts; a missing one is a compile error);
 * 3. its reference kernel (backend/js; also a compile error);
 * 4. optionally, a wasm kernel (`wasm: true`, and its case in wasm/elementwise.ts).
 * The user-facing function and the method are one line each.
 */

/** How an op treats its operands' dtype (ops/elementwise.ts applies the rule). */
export type DTypeRule =
  /** Floats only: integers and bools are promoted to float32 first (exp, log …, as PyTorch's). */
  | "float"
  /** Keeps int32 and floats; a bool is an error (neg, abs …). */
  | "numeric"
  /** Rounds floats; the identity on integers (floor, ceil, round). */
  | "rounding"
  /** Promotes the operands; bools count in int32, and true division gives floats. */
  | "arithmetic"
  /** Promotes the operands; the result is bool. */
  | "comparison"
  /** Casts the operands to bool; the result is bool. */
  | "logical"
  /** int32 and bool only (the shifts: int32 only). */
  | "bitwise";

export interface OpInfo {
  readonly dtype: DTypeRule;
  /** The wasm build has a float32 kernel for it (its code: its place among the wasm ops of its kind). */
  readonly wasm: boolean;
}

export const UNARY_OPS = {
  neg: { dtype: "numeric", wasm: true },
  abs: { dtype: "numeric", wasm: true },
  sign: { dtype: "numeric", wasm: true },
  exp: { dtype: "float", wasm: true },
  log: { dtype: "float", wasm: true },
  sqrt: { dtype: "float", wasm: true },
  rsqrt: { dtype: "float", wasm: true },
  sin: { dtype: "float", wasm: true },
  cos: { dtype: "float", wasm: true },
  tanh: { dtype: "float", wasm: true },
  sigmoid: { dtype: "float", wasm: true },
  relu: { dtype: "numeric", wasm: true },
  erf: { dtype: "float", wasm: true },
  floor: { dtype: "rounding", wasm: true },
  ceil: { dtype: "rounding", wasm: true },
  round: { dtype: "rounding", wasm: true },
  logicalNot: { dtype: "logical", wasm: false },
  bitwiseNot: { dtype: "bitwise", wasm: false },
} as const satisfies Record<string, OpInfo>;

export const BINARY_OPS = {
  add: { dtype: "arithmetic", wasm: true },
  sub: { dtype: "arithmetic", wasm: true },
  mul: { dtype: "arithmetic", wasm: true },
  div: { dtype: "arithmetic", wasm: true },
  pow: { dtype: "arithmetic", wasm: true },
  maximum: { dtype: "arithmetic", wasm: true },
  minimum: { dtype: "arithmetic", wasm: true },
  eq: { dtype: "comparison", wasm: true },
  ne: { dtype: "comparison", wasm: true },
  lt: { dtype: "comparison", wasm: true },
  le: { dtype: "comparison", wasm: true },
  gt: { dtype: "comparison", wasm: true },
  ge: { dtype: "comparison", wasm: true },
  logicalAnd: { dtype: "logical", wasm: false },
  logicalOr: { dtype: "logical", wasm: false },
  logicalXor: { dtype: "logical", wasm: false },
  bitwiseAnd: { dtype: "bitwise", wasm: false },
  bitwiseOr: { dtype: "bitwise", wasm: false },
  bitwiseXor: { dtype: "bitwise", wasm: false },
  bitwiseLeftShift: { dtype: "bitwise", wasm: false },
  bitwiseRightShift: { dtype: "bitwise", wasm: false },
} as const satisfies Record<string, OpInfo>;

/** Reductions over a set of axes; each has a float32 wasm kernel. */
export const REDUCE_OPS = { sum: { wasm: true }, prod: { wasm: true }, max: { wasm: true }, min: { wasm: true } } as const;

export type UnaryOp = keyof typeof UNARY_OPS;
export type BinaryOp = keyof typeof BINARY_OPS;
export type ReduceOp = keyof typeof REDUCE_OPS;
export type ElementwiseOp = UnaryOp | BinaryOp;

const keys = <T extends object>(table: T) => Object.keys(table) as (keyof T)[];
export const UNARY_OP_NAMES: readonly UnaryOp[] = keys(UNARY_OPS);
export const BINARY_OP_NAMES: readonly BinaryOp[] = keys(BINARY_OPS);
export const REDUCE_OP_NAMES: readonly ReduceOp[] = keys(REDUCE_OPS);

/** The dtype rule of an elementwise op. */
export function dtypeRule(op: ElementwiseOp): DTypeRule {
  return op in UNARY_OPS ? UNARY_OPS[op as UnaryOp].dtype : BINARY_OPS[op as BinaryOp].dtype;
}

/** Whether an elementwise op's result is bool whatever its operands (comparisons, logical ops). */
export function givesBool(op: ElementwiseOp): boolean {
  const rule = dtypeRule(op);
  return rule === "comparison" || rule === "logical";
}

/** The wasm op codes of one kind: each op with a wasm kernel, numbered in table order. */
export function wasmCodes<K extends string>(table: Readonly<Record<K, { readonly wasm: boolean }>>): Partial<Record<K, number>> {
  const codes: Partial<Record<K, number>> = {};
  let next = 0;
  for (const op of keys(table)) if (table[op].wasm) codes[op] = next++;
  return codes;
}
