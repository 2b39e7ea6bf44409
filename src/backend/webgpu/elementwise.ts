/**
 * The elementwise kernels: one thread per output element, each operand read through its own
 * strided addressing (broadcasts arrive as stride 0). Also the creation kernels (fill, arange,
 * random), whose only operand is the thread index.
 */
import { Addressing, META, NAN_HELPERS, WGSL_TYPE, binding, prologue, type GpuDType, type Strided } from "./wgsl.js";
import { OP_FUNCTIONS } from "./ops.js";

export interface Operand extends Strided {
  readonly buffer: GPUBuffer;
  readonly dtype: GpuDType;
}

export interface MapKernel {
  code: string;
  meta: number[];
  buffers: GPUBuffer[];
  threads: number;
}

/**
 * out[i] = expr(v0, v1, …) over `shape`, vk read from operand k at element i; the output is
 * contiguous unless `outView` says where element i goes (assign writes into a strided view).
 */
export function mapKernel(shape: readonly number[], out: { buffer: GPUBuffer; dtype: GpuDType }, operands: readonly Operand[], expr: (v: string[]) => string, outView?: Strided): MapKernel {
  const n = shape.reduce((p, d) => p * d, 1);
  const meta = [n];
  const views = operands.map((o, k) => ({ ...o, name: `at${k}` }));
  if (outView) views.push({ ...outView, name: "atOut", buffer: out.buffer, dtype: out.dtype });
  const addressing = new Addressing(meta, shape, views);
  const values = operands.map((_, k) => `v${k}`);
  const code = [
    META,
    binding(1, "out", out.dtype, true),
    ...operands.map((o, k) => binding(k + 2, `in${k}`, o.dtype, false)),
    NAN_HELPERS,
    OP_FUNCTIONS,
    addressing.code(),
    prologue(),
    ...operands.map((_, k) => `  let v${k} = in${k}[at${k}(i)];`),
    `  out[${outView ? "atOut(i)" : "i"}] = ${expr(values)};`,
    "}",
  ].join("\n");
  return { code, meta, buffers: [out.buffer, ...operands.map((o) => o.buffer)], threads: n };
}

/** A value of dtype `from` (WGSL expression v) as dtype `to`, as the reference's typed-array stores convert it. */
export function convert(v: string, from: GpuDType, to: GpuDType): string {
  if (from === to) return v;
  if (to === "bool") return from === "float32" ? `select(0u, 1u, ${v} != 0.0 || isNan(${v}))` : `select(0u, 1u, ${v} != 0)`;
  if (to === "int32") return from === "float32" ? `select(i32(trunc(${v})), 0, isNan(${v}))` : `i32(${v})`;
  return `f32(${v})`;
}

/** The bits of a number stored as dtype, as the int32 meta word the shader bitcasts back. */
export function valueBits(value: number, dtype: GpuDType): number {
  if (dtype === "float32") return new Int32Array(Float32Array.of(value).buffer)[0]!;
  if (dtype === "bool") return +(value !== 0);
  return Int32Array.of(value)[0]!;
}

/** out[i] = value. */
export function fillKernel(size: number, value: number, dtype: GpuDType, out: GPUBuffer): MapKernel {
  const code = [META, binding(1, "out", dtype, true), prologue(), `  out[i] = bitcast<${WGSL_TYPE[dtype]}>(params[1]);`, "}"].join("\n");
  return { code, meta: [size, valueBits(value, dtype)], buffers: [out], threads: size };
}

/** out[i] = start + i·step (in float32, or int32 for int32). */
export function arangeKernel(size: number, start: number, step: number, dtype: GpuDType, out: GPUBuffer): MapKernel {
  const expr = dtype === "bool" ? `select(0u, 1u, s + f32(i) * d != 0.0)` : dtype === "int32" ? `i32(s + f32(i) * d)` : `s + f32(i) * d`;
  const code = [
    META, binding(1, "out", dtype, true), prologue(),
    `  let s = bitcast<f32>(params[1]);`, `  let d = bitcast<f32>(params[2]);`,
    `  out[i] = ${dtype === "int32" ? `params[3] + i32(i) * params[4]` : expr};`, "}",
  ].join("\n");
  return { code, meta: [size, valueBits(start, "float32"), valueBits(step, "float32"), start | 0, step | 0], buffers: [out], threads: size };
}

/** base/rng.ts's hash: bits(seed, lo, hi) are the 32 random bits at the 64-bit counter hi·2³² + lo. */
export const COUNTER_BITS = `
fn mix32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u; x *= 0x7feb352du; x ^= x >> 15u; x *= 0x846ca68bu; x ^= x >> 16u;
  return x;
}
fn bits(seed: u32, lo: u32, hi: u32) -> u32 {
  let key = mix32(seed ^ 0x85ebca6bu);
  return mix32(mix32(lo ^ key) ^ ((hi + 1u) * 0x9e3779b9u) ^ key);
}`;

/**
 * Counter-based draws, bit for bit base/rng.ts's: the value at i depends on (seed, offset + i)
 * only. The normal's log and cos are computed here to float32 accuracy (GPU builtins may be coarse).
 */
export function randomKernel(size: number, normal: boolean, seed: number, offset: number, out: GPUBuffer): MapKernel {
  const code = [
    META, binding(1, "out", "float32", true), COUNTER_BITS,
    `// log(x) for x > 0: x = m·2^e with m in [0.5, 1), log m = 2·atanh(s), s = (m − 1)/(m + 1) in [−1/3, 0].
fn logAccurate(x: f32) -> f32 {
  let f = frexp(x);
  let s = (f.fract - 1.0) / (f.fract + 1.0);
  let s2 = s * s;
  let series = s * (2.0 + s2 * (0.6666666667 + s2 * (0.4 + s2 * (0.2857142857 + s2 * (0.2222222222 + s2 * (0.1818181818 + s2 * (0.1538461538 + s2 * 0.1333333333)))))));
  return f32(f.exp) * 0.6931471806 + series;
}
// cos(2πu) for u in [0, 1): reduced to an eighth of a turn, where the Taylor series converges fast.
fn cos2pi(u: f32) -> f32 {
  let r = u - round(u);          // [−0.5, 0.5], exact
  let q = round(r * 4.0);        // quarter turns
  let t = (r - q * 0.25) * 6.283185307; // [−π/4, π/4]
  let t2 = t * t;
  let c = 1.0 + t2 * (-0.5 + t2 * (0.04166666667 + t2 * (-0.001388888889 + t2 * (0.0000248015873 + t2 * -0.0000002755731922))));
  let s = t * (1.0 + t2 * (-0.1666666667 + t2 * (0.008333333333 + t2 * (-0.0001984126984 + t2 * 0.000002755731922))));
  let k = (i32(q) + 4) & 3;
  return select(select(select(s, -c, k == 2), -s, k == 1), c, k == 0);
}`,
    prologue(),
    `  let seed = u32(params[1]);`,
    `  let lo = u32(params[2]) + i;`,
    `  let hi = u32(params[3]) + select(0u, 1u, lo < u32(params[2]));`,
    normal
      ? `  let u1 = f32((bits(seed, lo * 2u, hi * 2u + (lo >> 31u)) >> 8u) + 1u) / 16777216.0;
  let u2 = f32(bits(seed, lo * 2u + 1u, hi * 2u + (lo >> 31u)) >> 8u) / 16777216.0;
  out[i] = sqrt(-2.0 * logAccurate(u1)) * cos2pi(u2);`
      : `  out[i] = f32(bits(seed, lo, hi) >> 8u) / 16777216.0;`,
    "}",
  ].join("\n");
  const lo = offset >>> 0;
  const hi = Math.floor(offset / 4294967296) >>> 0;
  return { code, meta: [size, seed | 0, lo | 0, hi | 0], buffers: [out], threads: size };
}
