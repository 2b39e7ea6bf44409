/**
 * The fused routines in WGSL: the optimizer steps (one dispatch per parameter in place of about
 * ten), softmax and layer norm by rows with their backward passes, and GELU. Each reads and writes
 * contiguous float32 buffers at an element offset; index.ts declines (null) every other layout, and
 * the op layer then composes the same maths from the primitives.
 *
 * The row kernels give each row one thread, which loops over it: rows are short (classes, features,
 * attention keys) and many in the models they serve (fused-long-rows.ts takes a GPU's long softmax
 * rows). The recurrent cells are in fused-cells.ts. The sums are float32, where the CPU kernels
 * keep float64; the conformance suite bounds the difference.
 */
import { META, NAN_HELPERS, binding, prologue } from "./wgsl.js";
import { OP_FUNCTIONS } from "./ops.js";
import { valueBits, type MapKernel } from "./elementwise.js";

/** A contiguous float32 operand: its buffer and its first element. */
export interface Flat {
  readonly buffer: GPUBuffer;
  readonly offset: number;
}

const f32 = (v: number) => valueBits(v, "float32");
/** The WGSL that reads meta word k as a float. */
const float = (k: number) => `bitcast<f32>(params[${k}])`;

/** A kernel over `threads` with one binding per operand (in order), its offset at meta word 1 + k. */
export function kernel(threads: number, operands: readonly { name: string; write: boolean; at: Flat }[], extra: number[], body: string[], helpers = ""): MapKernel {
  const meta = [threads, ...operands.map((o) => o.at.offset), ...extra];
  const code = [
    META,
    ...operands.map((o, k) => binding(k + 1, o.name, "float32", o.write)),
    NAN_HELPERS,
    helpers,
    prologue(),
    ...operands.map((o, k) => `  let ${o.name}0 = u32(params[${k + 1}]);`),
    ...body,
    "}",
  ].join("\n");
  return { code, meta, buffers: operands.map((o) => o.at.buffer), threads };
}

export interface AdamHyper {
  beta1: number; beta2: number; eps: number; weightDecay: number; lr: number; decoupled: boolean; maximize: boolean; stepSize: number; bc2Sqrt: number;
}

/** One Adam(W) step of n weights in place, as wasm/optim.ts's adam. */
export function adamKernel(n: number, p: Flat, g: Flat, m: Flat, v: Flat, h: AdamHyper): MapKernel {
  const [b1, b2, eps, wd, stepSize, bc2] = [5, 6, 7, 8, 9, 10].map(float);
  const keep = f32(1 - h.lr * h.weightDecay);
  return kernel(
    n,
    [{ name: "p", write: true, at: p }, { name: "g", write: false, at: g }, { name: "m", write: true, at: m }, { name: "v", write: true, at: v }],
    [f32(h.beta1), f32(h.beta2), f32(h.eps), f32(h.weightDecay), f32(h.stepSize), f32(h.bc2Sqrt), keep],
    [
      `  var pv = p[p0 + i];`,
      `  var gv = ${h.maximize ? "-" : ""}g[g0 + i];`,
      h.decoupled ? `  pv = pv * ${float(11)};` : h.weightDecay !== 0 ? `  gv = gv + pv * ${wd};` : "",
      `  let mv = m[m0 + i] * ${b1} + gv * (1.0 - ${b1});`,
      `  let vv = v[v0 + i] * ${b2} + gv * gv * (1.0 - ${b2});`,
      `  m[m0 + i] = mv;`,
      `  v[v0 + i] = vv;`,
      `  p[p0 + i] = pv - (mv / (sqrt(vv) / ${bc2} + ${eps})) * ${stepSize};`,
    ],
  );
}

export interface SgdHyper {
  lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean; first: boolean;
}

/** One SGD step of n weights in place (buf null without momentum), as wasm/optim.ts's sgd. */
export function sgdKernel(n: number, p: Flat, g: Flat, buf: Flat | null, h: SgdHyper): MapKernel {
  const operands = [{ name: "p", write: true, at: p }, { name: "g", write: false, at: g }, ...(buf ? [{ name: "b", write: true, at: buf }] : [])];
  const k = operands.length + 1;
  const [lr, momentum, dampening, wd] = [k, k + 1, k + 2, k + 3].map(float);
  return kernel(n, operands, [f32(h.lr), f32(h.momentum), f32(h.dampening), f32(h.weightDecay)], [
    `  let pv = p[p0 + i];`,
    `  var d = ${h.maximize ? "-" : ""}g[g0 + i];`,
    h.weightDecay !== 0 ? `  d = d + ${wd} * pv;` : "",
    ...(buf
      ? [
          `  let bv = ${h.first ? "d" : `b[b0 + i] * ${momentum} + (1.0 - ${dampening}) * d`};`,
          `  b[b0 + i] = bv;`,
          `  d = ${h.nesterov ? `d + ${momentum} * bv` : "bv"};`,
        ]
      : []),
    `  p[p0 + i] = pv - ${lr} * d;`,
  ]);
}

/** Softmax or log-softmax of each of R rows of C (one thread per row). */
export function softmaxKernel(R: number, C: number, x: Flat, out: Flat, log: boolean): MapKernel {
  return kernel(R, [{ name: "x", write: false, at: x }, { name: "y", write: true, at: out }], [C], [
    `  let C = u32(params[3]);`,
    `  let a = x0 + i * C;`,
    `  let b = y0 + i * C;`,
    `  var m = -infF();`,
    // NaN-propagating max: once m is NaN it stays so.
    `  for (var j = 0u; j < C; j++) { let v = x[a + j]; if (v > m || isNan(v)) { m = v; } }`,
    // Rows the composed ops turn into NaN (a NaN, or only −∞) or, for softmax, hold +∞ are written
    // explicitly: WGSL leaves NaN and ∞ through exp and log to the implementation.
    `  if (isNan(m) || m == -infF()${log ? "" : " || m == infF()"}) { for (var j = 0u; j < C; j++) { y[b + j] = nanF(); } return; }`,
    `  var s = 0.0;`,
    log
      ? // logsumexp as the composed op takes it: +∞ when the row holds +∞ (its +∞ entries become NaN, the rest −∞).
        `  if (m == infF()) { for (var j = 0u; j < C; j++) { y[b + j] = select(-infF(), nanF(), x[a + j] == infF()); } return; }
  for (var j = 0u; j < C; j++) { s += exp(x[a + j] - m); }
  let lse = m + log(s);
  for (var j = 0u; j < C; j++) { y[b + j] = x[a + j] - lse; }`
      : `  for (var j = 0u; j < C; j++) { let e = exp(x[a + j] - m); y[b + j] = e; s += e; }
  let r = 1.0 / s;
  for (var j = 0u; j < C; j++) { y[b + j] = y[b + j] * r; }`,
  ]);
}

/** Their vector–Jacobian products per row: softmax dx = y·(g − Σ g·y); log-softmax dx = g − exp(y)·Σ g. */
export function softmaxBackwardKernel(R: number, C: number, y: Flat, g: Flat, dx: Flat, log: boolean): MapKernel {
  return kernel(R, [{ name: "y", write: false, at: y }, { name: "g", write: false, at: g }, { name: "dx", write: true, at: dx }], [C], [
    `  let C = u32(params[4]);`,
    `  let a = y0 + i * C;`,
    `  let b = g0 + i * C;`,
    `  let d = dx0 + i * C;`,
    `  var s = 0.0;`,
    `  for (var j = 0u; j < C; j++) { s += ${log ? "g[b + j]" : "g[b + j] * y[a + j]"}; }`,
    `  for (var j = 0u; j < C; j++) { dx[d + j] = ${log ? "g[b + j] - exp(y[a + j]) * s" : "y[a + j] * (g[b + j] - s)"}; }`,
  ]);
}

/** A row's mean and 1/√(variance + eps), two passes as the composed ops (eps at meta word k). */
const ROW_STATS = (k: number) => `
fn rowStats(a: u32, C: u32) -> vec2f {
  var s = 0.0;
  for (var j = 0u; j < C; j++) { s += x[a + j]; }
  let mean = s / f32(C);
  var v = 0.0;
  for (var j = 0u; j < C; j++) { let d = x[a + j] - mean; v += d * d; }
  return vec2f(mean, 1.0 / sqrt(v / f32(C) + ${float(k)}));
}`;

/** Layer normalisation of each of R rows of C, without the affine part: (x − mean)·rstd. */
export function layerNormKernel(R: number, C: number, x: Flat, out: Flat, eps: number): MapKernel {
  return kernel(R, [{ name: "x", write: false, at: x }, { name: "y", write: true, at: out }], [C, f32(eps)], [
    `  let C = u32(params[3]);`,
    `  let a = x0 + i * C;`,
    `  let b = y0 + i * C;`,
    `  let st = rowStats(a, C);`,
    `  for (var j = 0u; j < C; j++) { y[b + j] = (x[a + j] - st.x) * st.y; }`,
  ], ROW_STATS(4));
}

/** Its vector–Jacobian product: dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), statistics recomputed from x. */
export function layerNormBackwardKernel(R: number, C: number, x: Flat, g: Flat, dx: Flat, eps: number): MapKernel {
  return kernel(R, [{ name: "x", write: false, at: x }, { name: "g", write: false, at: g }, { name: "dx", write: true, at: dx }], [C, f32(eps)], [
    `  let C = u32(params[4]);`,
    `  let a = x0 + i * C;`,
    `  let b = g0 + i * C;`,
    `  let d = dx0 + i * C;`,
    `  let st = rowStats(a, C);`,
    `  var sg = 0.0;`,
    `  var sgx = 0.0;`,
    `  for (var j = 0u; j < C; j++) { let gj = g[b + j]; sg += gj; sgx += gj * (x[a + j] - st.x) * st.y; }`,
    `  let mg = sg / f32(C);`,
    `  let mgx = sgx / f32(C);`,
    `  for (var j = 0u; j < C; j++) { dx[d + j] = st.y * (g[b + j] - mg - (x[a + j] - st.x) * st.y * mgx); }`,
  ], ROW_STATS(5));
}

const K_TANH = Math.sqrt(2 / Math.PI);
const C_TANH = 0.044715;
const GELU_HELPERS = `
const K_TANH = ${K_TANH};
const C_TANH = ${C_TANH};
const INV_SQRT_2PI = ${1 / Math.sqrt(2 * Math.PI)};
// σ(z) and σ(z)(1 − σ(z)) from e = exp(−|z|), which keeps their precision where σ rounds to 1.
fn sigmoidParts(z: f32) -> vec2f {
  let e = exp(-abs(z));
  let r = 1.0 / (1.0 + e);
  return vec2f(select(e * r, r, z >= 0.0), e * r * r);
}`;

/** GELU of n elements: x·Φ(x), or the tanh form written x·σ(2u), u = √(2/π)(x + 0.044715x³). */
export function geluKernel(n: number, x: Flat, out: Flat, tanhForm: boolean): MapKernel {
  return kernel(n, [{ name: "x", write: false, at: x }, { name: "y", write: true, at: out }], [], [
    `  let v = x[x0 + i];`,
    tanhForm
      ? `  y[y0 + i] = v * sigmoidParts(2.0 * K_TANH * (v + C_TANH * v * v * v)).x;`
      : `  y[y0 + i] = v * 0.5 * (1.0 + erf32(v * ${Math.SQRT1_2}));`,
  ], OP_FUNCTIONS + GELU_HELPERS);
}

/** dx = g·GELU′(x): Φ(x) + x·φ(x), or σ(z) + x·σ(z)(1 − σ(z))·z′ for the tanh form. */
export function geluBackwardKernel(n: number, x: Flat, g: Flat, dx: Flat, tanhForm: boolean): MapKernel {
  return kernel(n, [{ name: "x", write: false, at: x }, { name: "g", write: false, at: g }, { name: "dx", write: true, at: dx }], [], [
    `  let v = x[x0 + i];`,
    tanhForm
      ? `  let s = sigmoidParts(2.0 * K_TANH * (v + C_TANH * v * v * v));\n  let d = s.x + v * s.y * 2.0 * K_TANH * (1.0 + 3.0 * C_TANH * v * v);`
      : `  let d = 0.5 * (1.0 + erf32(v * ${Math.SQRT1_2})) + v * INV_SQRT_2PI * exp(-0.5 * v * v);`,
    `  dx[dx0 + i] = g[g0 + i] * d;`,
  ], OP_FUNCTIONS + GELU_HELPERS);
}
