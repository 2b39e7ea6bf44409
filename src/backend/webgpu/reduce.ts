/**
 * Reductions and the kernels that scan a line: reduce (sum, prod, max, min over any set of axes),
 * argmax/argmin, argsort and argmode. The input is seen as [groups, len]: the kept dims, then the
 * reduced ones (each part with addressing of its own), as the reference's grouping does.
 *
 * A reduction gives each output one thread when its lines are short, and one workgroup when they
 * are long, so that a full sum is not one thread's loop: its threads' values combine within
 * subgroups where the adapter has them, else by a tree in workgroup memory.
 */
import type { ReduceOp } from "../../base/op-table.js";
import { Addressing, ENABLE_SUBGROUPS, META, NAN_HELPERS, subgroupBuiltins, WGSL_TYPE, binding, prologue, subgroupReduce, type GpuDType } from "./wgsl.js";
import type { MapKernel, Operand } from "./elementwise.js";

const LONG_LINE = 2048;
const GROUP = 256;

interface Lines {
  meta: number[];
  code: string;
  groups: number;
  len: number;
}

/** Addressing of x as [groups, len]: keep(g) + red(j) is element (g, j)'s offset. */
function lines(x: Operand, shape: readonly number[], axes: readonly number[]): Lines {
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const groups = kept.reduce((p, d) => p * shape[d]!, 1);
  const len = axes.reduce((p, d) => p * shape[d]!, 1);
  const meta = [0, groups, len];
  const keep = new Addressing(meta, kept.map((d) => shape[d]!), [{ name: "keep", offset: x.offset, strides: kept.map((d) => x.strides[d]!) }]);
  const red = new Addressing(meta, axes.map((d) => shape[d]!), [{ name: "red", offset: 0, strides: axes.map((d) => x.strides[d]!) }]);
  return { meta, code: keep.code() + "\n" + red.code(), groups, len };
}

function combine(op: ReduceOp, dtype: GpuDType, a: string, b: string): string {
  if (op === "sum") return `${a} + ${b}`;
  if (op === "prod") return `${a} * ${b}`;
  const f = op === "max" ? "max" : "min";
  return dtype === "float32" ? `select(${f}(${a}, ${b}), nanF(), isNan(${a}) || isNan(${b}))` : `${f}(${a}, ${b})`;
}

function identity(op: ReduceOp, dtype: GpuDType): string {
  const t = WGSL_TYPE[dtype];
  if (op === "sum") return `${t}(0)`;
  if (op === "prod") return `${t}(1)`;
  if (dtype === "float32") return op === "max" ? "-infF()" : "infF()";
  if (dtype === "int32") return op === "max" ? "i32(-2147483648)" : "2147483647";
  return op === "max" ? "0u" : "1u";
}

export function reduceKernel(op: ReduceOp, x: Operand, shape: readonly number[], axes: readonly number[], out: GPUBuffer, subgroups = false): MapKernel & { groups?: number; workgroup?: number } {
  const l = lines(x, shape, axes);
  const t = WGSL_TYPE[x.dtype];
  const head = [META, binding(1, "out", x.dtype, true), binding(2, "x", x.dtype, false), NAN_HELPERS, l.code];
  const c = (a: string, b: string) => combine(op, x.dtype, a, b);
  if (l.len < LONG_LINE || l.groups >= 4096) {
    l.meta[0] = l.groups;
    const code = [
      ...head, prologue(),
      `  let base = keep(i);`,
      `  var acc = ${identity(op, x.dtype)};`,
      `  for (var j = 0u; j < u32(params[2]); j++) { let v = x[u32(i32(base) + i32(red(j)))]; acc = ${c("acc", "v")}; }`,
      `  out[i] = acc;`, "}",
    ].join("\n");
    return { code, meta: l.meta, buffers: [out, x.buffer], threads: l.groups };
  }
  // One workgroup per output: each thread folds a strided share of the line, then the threads'
  // values are combined: within each subgroup, then the subgroups' by thread 0 (subgroups), or
  // by a tree in workgroup memory, eight barriers deep.
  l.meta[0] = l.groups;
  const fold = `  let g = wid.x + wid.y * nwg.x;
  let inRange = g < u32(params[1]);
  var acc = ${identity(op, x.dtype)};
  if (inRange) {
    let base = i32(keep(g));
    for (var j = lid; j < u32(params[2]); j += ${GROUP}u) { let v = x[u32(base + i32(red(j)))]; acc = ${c("acc", "v")}; }
  }`;
  const combineAll = subgroups
    ? `  let r = ${subgroupReduce(op, x.dtype, "acc")};
  if (sgLane == 0u) { part[sgId] = r; }
  workgroupBarrier();
  if (lid == 0u && inRange) {
    var t = part[0];
    for (var k = 1u; k < sgCount; k++) { t = ${c("t", "part[k]")}; }
    out[g] = t;
  }`
    : `  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${GROUP / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] = ${c("part[lid]", "part[lid + s]")}; }
    workgroupBarrier();
  }
  if (lid == 0u && inRange) { out[g] = part[0]; }`;
  const code = [
    ...(subgroups ? [ENABLE_SUBGROUPS] : []),
    ...head,
    `var<workgroup> part: array<${t}, ${GROUP}>;`,
    `@compute @workgroup_size(${GROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u${subgroups ? `, ${subgroupBuiltins()}` : ""}) {
${fold}
${combineAll}
}`,
  ].join("\n");
  return { code, meta: l.meta, buffers: [out, x.buffer], threads: l.groups * GROUP, groups: l.groups, workgroup: GROUP };
}

/** The order used by argsort and argmode: NaN is the largest float. */
function lessFn(dtype: GpuDType): string {
  const t = WGSL_TYPE[dtype];
  return dtype === "float32"
    ? `fn less(a: f32, b: f32) -> bool { if (isNan(a)) { return false; } if (isNan(b)) { return true; } return a < b; }`
    : `fn less(a: ${t}, b: ${t}) -> bool { return a < b; }`;
}

function lineKernel(x: Operand, shape: readonly number[], axis: number, body: string, threads: "groups" | "elements", out: GPUBuffer): MapKernel {
  const l = lines(x, shape, [axis]);
  const n = threads === "groups" ? l.groups : l.groups * l.len;
  l.meta[0] = n;
  const code = [
    META, binding(1, "out", "int32", true), binding(2, "x", x.dtype, false), NAN_HELPERS, l.code, lessFn(x.dtype),
    `fn val(g: u32, j: u32) -> ${WGSL_TYPE[x.dtype]} { return x[u32(i32(keep(g)) + i32(red(j)))]; }`,
    prologue(), `  let len = u32(params[2]);`, body, "}",
  ].join("\n");
  return { code, meta: l.meta, buffers: [out, x.buffer], threads: n };
}

/** Index of the first max (min) along axis; a NaN wins at its first occurrence. */
export function argReduceKernel(op: "argmax" | "argmin", x: Operand, shape: readonly number[], axis: number, out: GPUBuffer): MapKernel {
  const better = op === "argmax" ? "v > best" : "v < best";
  const nan = (v: string) => (x.dtype === "float32" ? `isNan(${v})` : "false");
  return lineKernel(x, shape, axis, `
  var best = val(i, 0u);
  var at = 0u;
  for (var j = 1u; j < len; j++) {
    if (${nan("best")}) { break; }
    let v = val(i, j);
    if (${nan("v")} || ${better}) { best = v; at = j; }
  }
  out[i] = i32(at);`, "groups", out);
}

/** Stable sort order along axis (moved last): element j goes to its rank among the line. */
export function argsortKernel(x: Operand, shape: readonly number[], axis: number, descending: boolean, out: GPUBuffer): MapKernel {
  const before = descending ? "less(vj, vk) || (!less(vk, vj) && k < j)" : "less(vk, vj) || (!less(vj, vk) && k < j)";
  return lineKernel(x, shape, axis, `
  let g = i / len;
  let j = i % len;
  let vj = val(g, j);
  var rank = 0u;
  for (var k = 0u; k < len; k++) { let vk = val(g, k); if (${before}) { rank++; } }
  out[g * len + rank] = i32(j);`, "elements", out);
}

/** The most frequent value of each line (the smallest on ties) at its last occurrence. */
export function argmodeKernel(x: Operand, shape: readonly number[], axis: number, out: GPUBuffer): MapKernel {
  const same = x.dtype === "float32" ? "(a == b || (isNan(a) && isNan(b)))" : "(a == b)";
  return lineKernel(x, shape, axis, `
  var bestCount = 0u;
  var bestAt = 0u;
  for (var j = 0u; j < len; j++) {
    let a = val(i, j);
    var count = 0u;
    var last = j;
    for (var k = 0u; k < len; k++) { let b = val(i, k); if ${same} { count++; last = k; } }
    if (count > bestCount || (count == bestCount && less(a, val(i, bestAt)))) { bestCount = count; bestAt = last; }
  }
  out[i] = i32(bestAt);`, "groups", out);
}
