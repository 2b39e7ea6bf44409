/**
 * Scaled dot-product attention in WGSL, the weights [B, L, S] never stored: a thread per query row
 * runs the online softmax over the keys (a running maximum, the sum and the output rescaled when
 * the maximum grows), so one dispatch replaces two products, the mask, the softmax and dropout,
 * and the memory is the inputs' and outputs'. The backward recomputes each weight from the row's
 * log-sum-exp: one dispatch for dq, a thread per query row, and one for dk and dv, a thread per key
 * row, after a small one that takes Δ = Σ g·out per row (softmax's backward needs Σ dW·W, and with
 * dropout too that sum is g·out).
 *
 * A workgroup's threads share the batch element, so each step's key and value rows (forward, dq)
 * or query and gradient rows (dk, dv) are read at one address by all of them: a broadcast on a
 * CPU-run adapter, a cached line on a GPU. A head's width lives in registers (E and Ev are
 * constants of the shader); wider heads than MAX_WIDTH are declined.
 *
 * Dropout draws the same counters as dropout of the stored weights would: weight (b, i, j) at
 * offset + (b·L + i)·S + j, kept where the uniform draw is ≥ p.
 */
import { META, NAN_HELPERS, binding } from "./wgsl.js";
import { COUNTER_BITS, valueBits, type MapKernel } from "./elementwise.js";
import type { Flat } from "./fused.js";
import type { AttentionSpec } from "../backend.js";

/** The widest head (E or Ev) the kernels hold in registers. */
export const MAX_WIDTH = 256;

export interface AttentionShape {
  readonly B: number;
  readonly L: number;
  readonly S: number;
  readonly E: number;
  readonly Ev: number;
}

type Kernel = MapKernel & { groups: number; workgroup: number };

/** Meta words, in order: the counts, then the spec, then each operand's offset. */
const HEAD = ["B", "L", "S", "blocks", "scale", "maskStride", "p", "seed", "lo", "hi"] as const;

/** Threads by rows of a workgroup of up to 64: small for short sequences, whose batch elements then take a workgroup each. */
function workgroupFor(rows: number): number {
  return Math.min(64, Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(rows, 1)))));
}

/**
 * A kernel of the family: a thread per row `r` (of `rows` per batch element b), the spec's values
 * as WGSL lets, the operands bound in order with offsets `name0`, and these helpers:
 * keep(l, s, b), whether dropout keeps weight (b, l, s).
 */
function familyKernel(shape: AttentionShape, rows: number, spec: AttentionSpec, maskBatchStride: number | null, operands: readonly { name: string; write: boolean; at: Flat }[], body: string[]): Kernel {
  const { B, L, S, E, Ev } = shape;
  const workgroup = workgroupFor(rows);
  const blocks = Math.ceil(rows / workgroup);
  const drop = spec.dropout;
  const f32 = (v: number) => valueBits(v, "float32");
  const meta = [
    B, L, S, blocks, f32(spec.scale), maskBatchStride ?? 0, f32(drop?.p ?? 0), drop ? drop.seed | 0 : 0,
    drop ? drop.offset >>> 0 : 0, drop ? Math.floor(drop.offset / 4294967296) >>> 0 : 0,
    ...operands.map((o) => o.at.offset),
  ];
  const masked = maskBatchStride !== null;
  const code = [
    META,
    ...operands.map((o, k) => binding(k + 1, o.name, "float32", o.write)),
    NAN_HELPERS,
    COUNTER_BITS,
    `const E = ${E}u;`,
    `const EV = ${Ev}u;`,
    `const CAUSAL = ${spec.causal};`,
    `fn isNegInf(x: f32) -> bool { return bitcast<u32>(x) == 0xff800000u; }`,
    `fn keep(l: u32, s: u32, b: u32) -> bool {
  let lo0 = u32(params[8]);
  let lo = lo0 + (b * u32(params[1]) + l) * u32(params[2]) + s;
  let hi = u32(params[9]) + select(0u, 1u, lo < lo0);
  return f32(bits(u32(params[7]), lo, hi) >> 8u) / 16777216.0 >= bitcast<f32>(params[6]);
}`,
    `@compute @workgroup_size(${workgroup})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {`,
    ...HEAD.map((name, k) => (name === "scale" || name === "p" ? `  let ${name} = bitcast<f32>(params[${k}]);` : `  let ${name} = u32(params[${k}]);`)),
    `  let group = wid.x + wid.y * nwg.x;`,
    `  let b = group / blocks;`,
    // Threads past the last row work on it and store nothing, and the loops run to bounds the
    // workgroup shares (each thread skipping the keys it does not see), so that the loop counter
    // and the addresses built from it stay uniform across the workgroup.
    `  if (b >= B) { return; }`,
    `  let first = (group % blocks) * ${workgroup}u;`,
    `  let last = min(first + ${workgroup}u, ${rows}u);`,
    `  let live = first + lid < ${rows}u;`,
    `  let r = min(first + lid, ${rows - 1}u);`,
    ...operands.map((o, k) => `  let ${o.name}0 = u32(params[${HEAD.length + k}]);`),
    `  let dropScale = ${drop ? "1.0 / (1.0 - p)" : "1.0"};`,
    `  let maskRow = ${masked ? "mask0 + b * maskStride" : "0u"};`,
    ...body,
    "}",
  ].join("\n");
  return { code, meta, buffers: operands.map((o) => o.at.buffer), threads: B * blocks * workgroup, groups: B * blocks, workgroup };
}

/**
 * A head's row of n floats as ⌈n/4⌉ vec4 registers, `name_0`, `name_1`, …: the kernels are unrolled
 * over the head's width, because an array indexed in a loop stays in memory on a CPU-run adapter
 * (each access a gather per lane), where registers are vectors.
 */
const chunks = (n: number) => Array.from({ length: Math.ceil(n / 4) }, (_, c) => c);
/** Chunk c of the row of n at arr[base], zeros past n. */
const load = (arr: string, base: string, n: number, c: number) => `vec4f(${[0, 1, 2, 3].map((j) => (4 * c + j < n ? `${arr}[${base} + ${4 * c + j}u]` : "0.0")).join(", ")})`;
/** One statement per chunk. */
const each = (n: number, line: (c: number) => string) => chunks(n).map((c) => `    ${line(c)}`);
/** Σ over chunks of dot(a_c, b_c). */
const dotOf = (n: number, a: (c: number) => string, b: (c: number) => string) => chunks(n).map((c) => `dot(${a(c)}, ${b(c)})`).join(" + ");
/** Stores the row of n held by value(c) at arr[base]. */
const store = (arr: string, base: string, n: number, value: (c: number) => string) =>
  chunks(n).map((c) => `  { let t = ${value(c)}; ${[0, 1, 2, 3].filter((j) => 4 * c + j < n).map((j) => `${arr}[${base} + ${4 * c + j}u] = t[${j}];`).join(" ")} }`);

/** Forward: q, k, v, mask? → out [B, L, Ev], lse [B, L]. */
export function attentionForwardKernel(shape: AttentionShape, spec: AttentionSpec, q: Flat, k: Flat, v: Flat, mask: { at: Flat; batchStride: number } | null, out: Flat, lse: Flat): Kernel {
  const { E, Ev } = shape;
  const operands = [
    { name: "q", write: false, at: q }, { name: "k", write: false, at: k }, { name: "v", write: false, at: v },
    ...(mask ? [{ name: "mask", write: false, at: mask.at }] : []),
    { name: "out", write: true, at: out }, { name: "lse", write: true, at: lse },
  ];
  return familyKernel(shape, shape.L, spec, mask?.batchStride ?? null, operands, [
    `  let l = r;`,
    `  let qa = q0 + (b * L + l) * E;`,
    ...each(E, (c) => `let q_${c} = ${load("q", "qa", E, c)} * scale;`),
    ...each(Ev, (c) => `var o_${c} = vec4f();`),
    `  var m = 0.0;`,
    `  var den = 0.0;`,
    `  var seen = false;`,
    `  for (var s = 0u; s < select(S, min(last, S), CAUSAL); s++) {`,
    `    let ka = k0 + (b * S + s) * E;`,
    `    var sc = ${dotOf(E, (c) => `q_${c}`, (c) => load("k", "ka", E, c))};`,
    mask ? `    sc += mask[maskRow + l * S + s];` : "",
    `    if (isNegInf(sc) || (CAUSAL && s > l)) { continue; }`,
    // The running maximum: the sum and output so far are rescaled when it grows (NaN stays NaN).
    `    if (!seen) { m = sc; seen = true; }`,
    `    else if (sc > m) {`,
    `      let c = exp(m - sc);`,
    `      den *= c;`,
    ...each(Ev, (c) => `  o_${c} *= c;`),
    `      m = sc;`,
    `    }`,
    `    let w = exp(sc - m);`,
    `    den += w;`,
    spec.dropout ? `    if (!keep(l, s, b)) { continue; }` : "",
    `    let wd = w * dropScale;`,
    `    let va = v0 + (b * S + s) * EV;`,
    ...each(Ev, (c) => `o_${c} += wd * ${load("v", "va", Ev, c)};`),
    `  }`,
    `  if (!live) { return; }`,
    `  let oa = out0 + (b * L + l) * EV;`,
    // Every key masked: softmax of −∞ alone is NaN, as the composed form gives.
    `  let inv = select(1.0 / den, nanF(), !seen);`,
    ...store("out", "oa", Ev, (c) => `o_${c} * inv`),
    `  lse[lse0 + b * L + l] = select(m + log(den), nanF(), !seen);`,
  ]);
}

/** Backward, first: stats [B, L, 2] = (lse, Δ = Σ g·out) per query row. */
export function attentionStatsKernel(shape: AttentionShape, out: Flat, g: Flat, lse: Flat, stats: Flat): Kernel {
  const operands = [{ name: "out", write: false, at: out }, { name: "g", write: false, at: g }, { name: "lse", write: false, at: lse }, { name: "stats", write: true, at: stats }];
  return familyKernel(shape, shape.L, { scale: 1, causal: false, dropout: null }, null, operands, [
    `  if (!live) { return; }`,
    `  let row = b * L + r;`,
    `  var d = 0.0;`,
    `  for (var e = 0u; e < EV; e++) { d += g[g0 + row * EV + e] * out[out0 + row * EV + e]; }`,
    `  stats[stats0 + 2u * row] = lse[lse0 + row];`,
    `  stats[stats0 + 2u * row + 1u] = d;`,
  ]);
}

/** Backward, dq [B, L, E]: a thread per query row. */
export function attentionDqKernel(shape: AttentionShape, spec: AttentionSpec, q: Flat, k: Flat, v: Flat, mask: { at: Flat; batchStride: number } | null, g: Flat, stats: Flat, dq: Flat): Kernel {
  const { E, Ev } = shape;
  const operands = [
    { name: "q", write: false, at: q }, { name: "k", write: false, at: k }, { name: "v", write: false, at: v },
    ...(mask ? [{ name: "mask", write: false, at: mask.at }] : []),
    { name: "g", write: false, at: g }, { name: "stats", write: false, at: stats }, { name: "dq", write: true, at: dq },
  ];
  return familyKernel(shape, shape.L, spec, mask?.batchStride ?? null, operands, [
    `  let l = r;`,
    `  let row = b * L + l;`,
    `  let qa = q0 + row * E;`,
    `  let ga = g0 + row * EV;`,
    ...each(E, (c) => `let q_${c} = ${load("q", "qa", E, c)} * scale;`),
    ...each(Ev, (c) => `let g_${c} = ${load("g", "ga", Ev, c)};`),
    ...each(E, (c) => `var acc_${c} = vec4f();`),
    `  let lse = stats[stats0 + 2u * row];`,
    `  let delta = stats[stats0 + 2u * row + 1u];`,
    `  for (var s = 0u; s < select(S, min(last, S), CAUSAL); s++) {`,
    `    let ka = k0 + (b * S + s) * E;`,
    ...each(E, (c) => `let k_${c} = ${load("k", "ka", E, c)};`),
    `    var sc = ${dotOf(E, (c) => `q_${c}`, (c) => `k_${c}`)};`,
    mask ? `    sc += mask[maskRow + l * S + s];` : "",
    `    if (isNegInf(sc) || (CAUSAL && s > l)) { continue; }`,
    `    let w = exp(sc - lse);`,
    `    let va = v0 + (b * S + s) * EV;`,
    `    var dp = ${dotOf(Ev, (c) => `g_${c}`, (c) => load("v", "va", Ev, c))};`,
    spec.dropout ? `    dp = select(0.0, dp * dropScale, keep(l, s, b));` : "",
    `    let ds = w * (dp - delta);`,
    ...each(E, (c) => `acc_${c} += ds * k_${c};`),
    `  }`,
    // A row with every key masked has NaN weights, whose gradient is NaN too.
    `  if (!live) { return; }`,
    `  let poison = isNan(lse);`,
    ...store("dq", "dq0 + row * E", E, (c) => `select(acc_${c} * scale, vec4f(nanF()), poison)`),
  ]);
}

/** Backward, dkv [B, S, E + Ev] (each key's dk, then its dv): a thread per key row. */
export function attentionDkvKernel(shape: AttentionShape, spec: AttentionSpec, q: Flat, k: Flat, v: Flat, mask: { at: Flat; batchStride: number } | null, g: Flat, stats: Flat, dkv: Flat): Kernel {
  const { E, Ev } = shape;
  const operands = [
    { name: "q", write: false, at: q }, { name: "k", write: false, at: k }, { name: "v", write: false, at: v },
    ...(mask ? [{ name: "mask", write: false, at: mask.at }] : []),
    { name: "g", write: false, at: g }, { name: "stats", write: false, at: stats }, { name: "dkv", write: true, at: dkv },
  ];
  return familyKernel(shape, shape.S, spec, mask?.batchStride ?? null, operands, [
    `  let s = r;`,
    `  let ka = k0 + (b * S + s) * E;`,
    `  let va = v0 + (b * S + s) * EV;`,
    ...each(E, (c) => `let k_${c} = ${load("k", "ka", E, c)};`),
    ...each(Ev, (c) => `let v_${c} = ${load("v", "va", Ev, c)};`),
    ...each(E, (c) => `var dk_${c} = vec4f();`),
    ...each(Ev, (c) => `var dv_${c} = vec4f();`),
    `  var poison = false;`,
    // Causal: key s is seen by the queries l ≥ s.
    `  for (var l = select(0u, first, CAUSAL); l < L; l++) {`,
    `    let row = b * L + l;`,
    `    let lse = stats[stats0 + 2u * row];`,
    `    if (isNan(lse)) { poison = true; }`,
    `    let qa = q0 + row * E;`,
    ...each(E, (c) => `let q_${c} = ${load("q", "qa", E, c)} * scale;`),
    `    var sc = ${dotOf(E, (c) => `q_${c}`, (c) => `k_${c}`)};`,
    mask ? `    sc += mask[maskRow + l * S + s];` : "",
    `    if (isNegInf(sc) || isNan(lse) || (CAUSAL && l < s)) { continue; }`,
    `    let w = exp(sc - lse);`,
    `    let ga = g0 + row * EV;`,
    ...each(Ev, (c) => `let g_${c} = ${load("g", "ga", Ev, c)};`),
    `    var dp = ${dotOf(Ev, (c) => `g_${c}`, (c) => `v_${c}`)};`,
    spec.dropout ? `    let kept = keep(l, s, b);` : `    let kept = true;`,
    `    let wd = select(0.0, w * dropScale, kept);`,
    `    dp = select(0.0, dp * dropScale, kept);`,
    ...each(Ev, (c) => `dv_${c} += wd * g_${c};`),
    `    let ds = w * (dp - stats[stats0 + 2u * row + 1u]);`,
    ...each(E, (c) => `dk_${c} += ds * q_${c};`),
    `  }`,
    `  if (!live) { return; }`,
    `  let dst = dkv0 + (b * S + s) * (E + EV);`,
    ...store("dkv", "dst", E, (c) => `select(dk_${c}, vec4f(nanF()), poison)`),
    ...store("dkv", `dst + ${E}u`, Ev, (c) => `select(dv_${c}, vec4f(nanF()), poison)`),
  ]);
}
