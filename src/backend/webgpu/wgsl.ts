/**
 * WGSL building blocks shared by the kernels: element types, the dispatch prologue, strided
 * addressing, and NaN-exact helpers.
 *
 * Storage on the GPU: float32 as f32, int32 as i32, bool as u32 (0 or 1): WGSL has no 8-bit
 * storage type, so bools take four bytes on the device and one on the host.
 *
 * Strided addressing: a view's element i (row-major over the kernel's logical shape) lives at
 * offset + Σ_d idx_d·stride_d. Shapes and strides travel in the dispatch's meta (queue.ts), and
 * the generated code loops over a fixed rank, so one shader serves every shape of that rank.
 * Dims that every view walks contiguously are merged first (mergeDims), so most calls are rank 1
 * or 2, and a view that is contiguous over the whole shape reads at offset + i.
 */
import type { DType } from "../../base/dtype.js";
import type { ReduceOp } from "../../base/op-table.js";
import { DTypeError } from "../../base/errors.js";
import { isContiguous, mergeDims } from "../../base/shape.js";

export type GpuDType = "float32" | "int32" | "bool";

export const WGSL_TYPE: Record<GpuDType, string> = { float32: "f32", int32: "i32", bool: "u32" };

export function gpuDType(dtype: DType, op: string): GpuDType {
  if (dtype === "float64") throw new DTypeError(`webgpu: ${op}: float64 has no GPU type (WGSL has no 64-bit floats); cast to float32 first`);
  return dtype;
}

export const WORKGROUP = 256;

/** The first lines of main: i is this thread's index, and threads past params[0] return. */
export function prologue(workgroup = WORKGROUP): string {
  return `@compute @workgroup_size(${workgroup})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * ${workgroup}u;
  if (i >= u32(params[0])) { return; }`;
}

export const META = "@group(0) @binding(0) var<storage, read> params: array<i32>;";

/** A storage binding of one dtype's element type. */
export function binding(index: number, name: string, dtype: GpuDType, write: boolean): string {
  return `@group(0) @binding(${index}) var<storage, ${write ? "read_write" : "read"}> ${name}: array<${WGSL_TYPE[dtype]}>;`;
}

/** NaN tests that no compiler may fold away (x != x can be, under fast-maths assumptions). */
export const NAN_HELPERS = `
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
// Built at run time: WGSL refuses NaN and infinity as constant expressions.
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nanF() -> f32 { return bitcast<f32>(NAN_BITS); }
fn infF() -> f32 { return bitcast<f32>(INF_BITS); }`;

/**
 * Reductions within subgroups (the `subgroups` feature): main's parameters that say where a thread
 * is, and the directive the shader then starts with.
 */
export const subgroupBuiltins = (suffix = "") =>
  `@builtin(subgroup_id) sgId${suffix}: u32, @builtin(subgroup_invocation_id) sgLane${suffix}: u32, @builtin(num_subgroups) sgCount${suffix}: u32`;
export const ENABLE_SUBGROUPS = "enable subgroups;";

/** v combined over the thread's subgroup by sum, prod, max or min; a float max or min is NaN where any value is (WGSL leaves it open). */
export function subgroupReduce(op: ReduceOp, dtype: GpuDType, v: string): string {
  if (op === "sum") return `subgroupAdd(${v})`;
  if (op === "prod") return `subgroupMul(${v})`;
  const f = op === "max" ? "subgroupMax" : "subgroupMin";
  return dtype === "float32" ? `select(${f}(${v}), nanF(), subgroupAny(isNan(${v})))` : `${f}(${v})`;
}

/** A strided operand: its logical shape is the kernel's; strides may be 0 (broadcast). */
export interface Strided {
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * Strided addressing for a kernel over `shape`: the meta words (appended to `meta`) and a WGSL
 * function `name(i: u32) -> u32` for each view. meta layout: the shape at shapeAt, then for each
 * view its offset and strides.
 */
export class Addressing {
  readonly rank: number;
  readonly shapeAt: number;
  private readonly functions: string[] = [];

  constructor(
    readonly meta: number[],
    shape: readonly number[],
    views: readonly (Strided & { name: string })[],
  ) {
    const { shape: merged, strides } = mergeDims(shape, views.map((v) => v.strides));
    this.rank = merged.length;
    this.shapeAt = meta.length;
    meta.push(...merged);
    views.forEach((v, k) => {
      const at = meta.length;
      meta.push(v.offset, ...strides[k]!);
      const flat = isContiguous(merged, strides[k]!);
      this.functions.push(flat ? `fn ${v.name}(i: u32) -> u32 { return u32(params[${at}]) + i; }` : this.walk(v.name, at));
    });
  }

  private walk(name: string, at: number): string {
    const lines = [`fn ${name}(i: u32) -> u32 {`, `  var r = i;`, `  var o = params[${at}];`];
    for (let d = this.rank - 1; d >= 0; d--) {
      lines.push(`  { let n = u32(params[${this.shapeAt + d}]); o += i32(r % n) * params[${at + 1 + d}]; r = r / n; }`);
    }
    lines.push(`  return u32(o);`, `}`);
    return lines.join("\n");
  }

  code(): string {
    return this.functions.join("\n");
  }
}
