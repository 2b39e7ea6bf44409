/**
 * Indexing along a dim: gather, scatterAdd and scatterReduce. One thread per index position.
 *
 * Scatters combine into the output with atomics: int32 adds natively; float adds, max, min and
 * products go through a compare-and-swap loop on the value's bits (WGSL has no float atomics).
 * The order in which colliding float adds land varies, so sums may differ in the last bits.
 *
 * A bad index cannot throw on the device: the thread records it in the backend's error buffer
 * (the first one wins) and skips it (no read or write outside a buffer); the next read of any
 * result raises the IndexError the reference would have raised (see WebGpuBackend.read).
 */
import { contiguousStrides } from "../../base/shape.js";
import type { ScatterReduceOp } from "../backend.js";
import { Addressing, META, NAN_HELPERS, WGSL_TYPE, binding, prologue, type GpuDType } from "./wgsl.js";
import type { MapKernel, Operand } from "./elementwise.js";

export interface IndexArgs {
  x: Operand;
  xShape: readonly number[];
  dim: number;
  index: Operand;
  indexShape: readonly number[];
  errors: GPUBuffer;
}

const ERRORS = "var<storage, read_write> err: array<atomic<i32>, 4>;";

/** Checks idx against the dim's size (params[1]), recording the first bad one (params[2] is the dim). */
const CHECK = `
fn bad(v: i32) -> bool {
  if (v >= 0 && v < params[1]) { return false; }
  if (atomicAdd(&err[0], 1) == 0) { atomicStore(&err[1], v); atomicStore(&err[2], params[2]); atomicStore(&err[3], params[1]); }
  return true;
}`;

/** Addressing over the index's shape: `base(i)` is x's offset with the dim left out, `at(i)` the index's. */
function alongDim(meta: number[], args: IndexArgs, xStrides: readonly number[], xOffset: number, more: { name: string; strides: readonly number[]; offset: number }[] = []): Addressing {
  const baseStrides = xStrides.map((s, d) => (d === args.dim ? 0 : s));
  return new Addressing(meta, args.indexShape, [
    { name: "base", strides: baseStrides, offset: xOffset },
    { name: "at", strides: args.index.strides, offset: args.index.offset },
    ...more,
  ]);
}

export function gatherKernel(args: IndexArgs, out: GPUBuffer): MapKernel {
  const n = args.indexShape.reduce((p, d) => p * d, 1);
  const meta = [n, args.xShape[args.dim]!, args.dim, args.x.strides[args.dim]!];
  const addressing = alongDim(meta, args, args.x.strides, args.x.offset);
  const t = WGSL_TYPE[args.x.dtype];
  const code = [
    META, binding(1, "out", args.x.dtype, true), binding(2, "x", args.x.dtype, false), binding(3, "idx", "int32", false),
    `@group(0) @binding(4) ${ERRORS}`, CHECK, addressing.code(), prologue(),
    `  let v = idx[at(i)];`,
    `  if (bad(v)) { out[i] = ${t}(0); return; }`,
    `  out[i] = x[u32(i32(base(i)) + v * params[3])];`, "}",
  ].join("\n");
  return { code, meta, buffers: [out, args.x.buffer, args.index.buffer, args.errors], threads: n };
}

/** WGSL that folds v into the atomic word out[t] with `combine(old, v)`, by compare-and-swap. */
function casLoop(dtype: GpuDType, combine: (a: string, b: string) => string): string {
  const t = WGSL_TYPE[dtype];
  return `
  loop {
    let old = atomicLoad(&out[t]);
    let next = bitcast<u32>(${combine(`bitcast<${t}>(old)`, "v")});
    if (atomicCompareExchangeWeak(&out[t], old, next).exchanged) { break; }
  }`;
}

const COMBINE: Record<ScatterReduceOp | "add", (dtype: GpuDType) => (a: string, b: string) => string> = {
  add: () => (a, b) => `${a} + ${b}`,
  prod: () => (a, b) => `${a} * ${b}`,
  amax: (d) => (a, b) => (d === "float32" ? `select(max(${a}, ${b}), nanF(), isNan(${a}) || isNan(${b}))` : `max(${a}, ${b})`),
  amin: (d) => (a, b) => (d === "float32" ? `select(min(${a}, ${b}), nanF(), isNan(${a}) || isNan(${b}))` : `min(${a}, ${b})`),
};

const IDENTITY: Record<ScatterReduceOp, Record<"float32" | "int32", number>> = {
  amax: { float32: 0xff800000 | 0, int32: -2147483648 },
  amin: { float32: 0x7f800000, int32: 2147483647 },
  prod: { float32: 0x3f800000, int32: 1 },
};

/**
 * Combines src into out (already a contiguous copy of base) at the indexed positions: "add", or a
 * scatterReduce op; `reset` instead writes the op's identity there (scatterReduce without
 * includeSelf runs it first, so that base's values at those positions are forgotten).
 */
export function scatterKernel(args: IndexArgs, src: Operand, out: GPUBuffer, op: ScatterReduceOp | "add", reset = false): MapKernel {
  const dtype = args.x.dtype;
  const n = args.indexShape.reduce((p, d) => p * d, 1);
  const strides = contiguousStrides(args.xShape);
  const identity = op === "add" ? 0 : IDENTITY[op][dtype as "float32" | "int32"];
  const meta = [n, args.xShape[args.dim]!, args.dim, strides[args.dim]!, identity];
  const addressing = alongDim(meta, args, strides, 0, [{ name: "srcAt", strides: src.strides, offset: src.offset }]);
  // int32 adds, maxima and minima have native atomics; the rest swap the value's bits (u32).
  const native = dtype === "int32" && op !== "prod";
  const word = native ? "i32" : "u32";
  const update = reset
    ? `  _ = src[0]; // bound all the same (the layout lists every binding)\n  atomicStore(&out[t], ${native ? "params[4]" : "bitcast<u32>(params[4])"});`
    : native
      ? `  let v = src[srcAt(i)];\n  atomic${op === "add" ? "Add" : op === "amax" ? "Max" : "Min"}(&out[t], v);`
      : `  let v = src[srcAt(i)];${casLoop(dtype, COMBINE[op](dtype))}`;
  const code = [
    META, `@group(0) @binding(1) var<storage, read_write> out: array<atomic<${word}>>;`,
    binding(2, "src", src.dtype, false), binding(3, "idx", "int32", false), `@group(0) @binding(4) ${ERRORS}`,
    NAN_HELPERS, CHECK, addressing.code(), prologue(),
    `  let k = idx[at(i)];`, `  if (bad(k)) { return; }`, `  let t = u32(i32(base(i)) + k * params[3]);`,
    update, "}",
  ].join("\n");
  return { code, meta, buffers: [out, src.buffer, args.index.buffer, args.errors], threads: n };
}
