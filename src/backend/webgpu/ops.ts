/**
 * The elementwise ops in WGSL, one expression each, over operands of the compute type of their
 * dtype (f32, i32, or u32 for bool), with the reference backend's semantics: NaN through max/min,
 * round half to even, PyTorch's shifts past 31, int32 arithmetic wrapping.
 *
 * owns() in index.ts lists which (op, dtype) pairs the op layer sends here; only those have an
 * expression.
 */
import type { BinaryOp, UnaryOp } from "../../base/op-table.js";
import type { GpuDType } from "./wgsl.js";

type Expr = (x: string) => string;
type Expr2 = (a: string, b: string) => string;

const FLOAT_UNARY: Partial<Record<UnaryOp, Expr>> = {
  neg: (x) => `-${x}`,
  abs: (x) => `abs(${x})`,
  sign: (x) => `select(select(select(0.0, -1.0, ${x} < 0.0), 1.0, ${x} > 0.0), nanF(), isNan(${x}))`,
  exp: (x) => `exp(${x})`,
  log: (x) => `log(${x})`,
  sqrt: (x) => `sqrt(${x})`,
  rsqrt: (x) => `inverseSqrt(${x})`,
  sin: (x) => `sinCos32(${x}).x`,
  cos: (x) => `sinCos32(${x}).y`,
  // tanh(10) rounds to 1 in float32; beyond, some drivers' exp-based tanh overflows to NaN.
  tanh: (x) => `select(tanh(${x}), sign(${x}), abs(${x}) > 10.0)`,
  sigmoid: (x) => `1.0 / (1.0 + exp(-${x}))`,
  relu: (x) => `select(${x}, 0.0, ${x} <= 0.0)`,
  erf: (x) => `erf32(${x})`,
  floor: (x) => `floor(${x})`,
  ceil: (x) => `ceil(${x})`,
  round: (x) => `round(${x})`, // WGSL rounds half to even, as PyTorch does
};

const INT_UNARY: Partial<Record<UnaryOp, Expr>> = {
  neg: (x) => `-${x}`,
  abs: (x) => `abs(${x})`,
  sign: (x) => `sign(${x})`,
  relu: (x) => `max(${x}, 0)`,
  bitwiseNot: (x) => `~${x}`,
};

const BOOL_UNARY: Partial<Record<UnaryOp, Expr>> = {
  logicalNot: (x) => `select(0u, 1u, ${x} == 0u)`,
};

const b2u = (c: string) => `select(0u, 1u, ${c})`;

const COMPARE: Partial<Record<BinaryOp, Expr2>> = {
  eq: (a, b) => b2u(`${a} == ${b}`),
  ne: (a, b) => b2u(`${a} != ${b}`),
  lt: (a, b) => b2u(`${a} < ${b}`),
  le: (a, b) => b2u(`${a} <= ${b}`),
  gt: (a, b) => b2u(`${a} > ${b}`),
  ge: (a, b) => b2u(`${a} >= ${b}`),
};

const FLOAT_BINARY: Partial<Record<BinaryOp, Expr2>> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  pow: (a, b) => `powf(${a}, ${b})`,
  maximum: (a, b) => `select(max(${a}, ${b}), nanF(), isNan(${a}) || isNan(${b}))`,
  minimum: (a, b) => `select(min(${a}, ${b}), nanF(), isNan(${a}) || isNan(${b}))`,
  ...COMPARE,
  // IEEE: NaN is unequal to everything, itself included.
  eq: (a, b) => b2u(`${a} == ${b} && !isNan(${a})`),
  ne: (a, b) => b2u(`${a} != ${b} || isNan(${a}) || isNan(${b})`),
};

const INT_BINARY: Partial<Record<BinaryOp, Expr2>> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  pow: (a, b) => `powi(${a}, ${b})`,
  maximum: (a, b) => `max(${a}, ${b})`,
  minimum: (a, b) => `min(${a}, ${b})`,
  ...COMPARE,
  bitwiseAnd: (a, b) => `${a} & ${b}`,
  bitwiseOr: (a, b) => `${a} | ${b}`,
  bitwiseXor: (a, b) => `${a} ^ ${b}`,
  bitwiseLeftShift: (a, b) => `select(0, ${a} << u32(${b}), ${b} >= 0 && ${b} < 32)`,
  bitwiseRightShift: (a, b) => `select(select(0, -1, ${a} < 0), ${a} >> u32(${b}), ${b} >= 0 && ${b} < 32)`,
};

const BOOL_BINARY: Partial<Record<BinaryOp, Expr2>> = {
  maximum: (a, b) => `max(${a}, ${b})`,
  minimum: (a, b) => `min(${a}, ${b})`,
  ...COMPARE,
  logicalAnd: (a, b) => b2u(`${a} != 0u && ${b} != 0u`),
  logicalOr: (a, b) => b2u(`${a} != 0u || ${b} != 0u`),
  logicalXor: (a, b) => b2u(`(${a} != 0u) != (${b} != 0u)`),
  bitwiseAnd: (a, b) => `${a} & ${b}`,
  bitwiseOr: (a, b) => `${a} | ${b}`,
  bitwiseXor: (a, b) => `${a} ^ ${b}`,
};

export const UNARY_EXPR: Record<GpuDType, Partial<Record<UnaryOp, Expr>>> = { float32: FLOAT_UNARY, int32: INT_UNARY, bool: BOOL_UNARY };
export const BINARY_EXPR: Record<GpuDType, Partial<Record<BinaryOp, Expr2>>> = { float32: FLOAT_BINARY, int32: INT_BINARY, bool: BOOL_BINARY };

/** Functions the expressions call (erf, sin and cos, pow with the reference's edge cases). */
export const OP_FUNCTIONS = `
// sin and cos to ~1 ulp for |x| < 8192 (Cephes' sinf/cosf): WGSL's builtins may be as coarse as
// 2^-11 absolute (SwiftShader's are). x is reduced by π/4 in three parts, exact for such |x|.
fn sinCos32(x: f32) -> vec2f {
  if (isNan(x) || abs(x) == infF()) { return vec2f(nanF(), nanF()); }
  let a = abs(x);
  var j = u32(a * 1.27323954473516);
  var y = f32(j);
  if ((j & 1u) == 1u) { j += 1u; y += 1.0; }
  j = j & 7u;
  let r = ((a - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
  let z = r * r;
  let s = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  let c = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  // Octant j: sin is ±s or ±c; cos likewise, a quarter turn on; sin is odd in x.
  let swap = j == 1u || j == 2u || j == 5u || j == 6u;
  var sv = select(s, c, swap);
  var cv = select(c, s, swap);
  if (j >= 4u) { sv = -sv; }
  if (j == 2u || j == 3u || j == 4u || j == 5u) { cv = -cv; }
  return vec2f(select(sv, -sv, x < 0.0), cv);
}
// erf to ~1e-7: Abramowitz–Stegun 7.1.26 is too coarse (1.5e-7 absolute, worse relative near 0),
// so small |x| take the Maclaurin series and the rest erfc's Chebyshev fit (Numerical Recipes' erfcc).
fn erf32(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  let a = abs(x);
  if (a < 0.5) {
    let x2 = x * x;
    return x * (1.1283791671 + x2 * (-0.3761263890 + x2 * (0.1128379167 + x2 * (-0.0268661706 + x2 * (0.0052239776 + x2 * -0.0008548327)))));
  }
  let t = 1.0 / (1.0 + 0.5 * a);
  let p = -a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = 1.0 - t * exp(p);
  return select(-r, r, x >= 0.0);
}
// Math.pow's cases that WGSL's pow (exp2(b·log2(a)), undefined for a < 0) does not cover.
fn powf(a: f32, b: f32) -> f32 {
  if (isNan(a) || isNan(b)) { return select(nanF(), 1.0, b == 0.0); }
  if (b == 0.0) { return 1.0; }
  if (a == 0.0) { return select(0.0, infF(), b < 0.0); }
  if (a > 0.0) { return exp2(b * log2(a)); }
  if (floor(b) != b) { return nanF(); }
  let m = exp2(b * log2(-a));
  let odd = abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
  return select(m, -m, odd);
}
fn powi(a: i32, b: i32) -> i32 {
  if (b < 0) { return select(select(0, select(1, -1, (b & 1) == 1), a == -1), 1, a == 1); }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) { break; }
    if ((e & 1) == 1) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}`;
