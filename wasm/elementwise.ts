// Elementwise kernels over strided float32 views: unary, binary, comparisons, where, and the
// strided copy/cast that also serves assign, concat and pad.
//
// Every kernel takes a 4-D iteration space (the JS side collapses and pads views to 4 dims) with
// per-operand strides in elements; the output is contiguous unless the kernel says otherwise. The
// innermost dim gets a SIMD loop when its strides are 1 (or 0, a broadcast), a scalar loop otherwise.
import { erf, maximum, minimum, sign } from "./scalar";
import { erfSimd, expSimd, sigmoidSimd, tanhSimd } from "./fastmath";
import { HALF, lanes, ONE } from "./constants";
import { copyBytes } from "./memops";

// Op codes, generated from the op table (src/base/op-table.ts).
import {
  ABS, ADD, CEIL, COS, DIV, EQ, ERF, EXP, FLOOR, GE, GT, LE, LOG, LT, MAXIMUM, MINIMUM, MUL, NE, NEG, POW, RELU, ROUND, RSQRT,
  SIGMOID, SIGN, SIN, SQRT, SUB, TANH,
} from "./op-codes";

function unaryScalar(op: i32, v: f64): f64 {
  switch (op) {
    case NEG: return -v;
    case ABS: return Math.abs(v);
    case SIGN: return sign(v);
    case EXP: return Math.exp(v);
    case LOG: return Math.log(v);
    case SQRT: return Math.sqrt(v);
    case RSQRT: return 1 / Math.sqrt(v);
    case SIN: return Math.sin(v);
    case COS: return Math.cos(v);
    case TANH: return Math.tanh(v);
    case SIGMOID: return 1 / (1 + Math.exp(-v));
    case RELU: return v <= 0 ? 0 : v;
    case ERF: return erf(v);
    case FLOOR: return Math.floor(v);
    case CEIL: return Math.ceil(v);
    default: return nearest<f64>(v);
  }
}

/**
 * The ops with a float32 SIMD form: exact like the float64 reference for most, within 2 ulp for
 * exp, sigmoid and tanh and 2e-7 for erf (fastmath.ts; GELU and softmax spend their time there).
 */
// @ts-ignore: decorator
@inline function unarySimd(op: i32, v: v128): v128 {
  switch (op) {
    case EXP: return expSimd(v);
    case SIGMOID: return sigmoidSimd(v);
    case TANH: return tanhSimd(v);
    case ERF: return erfSimd(v);
    case NEG: return f32x4.neg(v);
    case ABS: return f32x4.abs(v);
    case SQRT: return f32x4.sqrt(v);
    case RELU: {
      // v <= 0 ? 0 : v, keeping NaN (a NaN lane compares false).
      return v128.andnot(v, f32x4.le(v, f32x4.splat(0)));
    }
    case FLOOR: return f32x4.floor(v);
    case CEIL: return f32x4.ceil(v);
    default: return f32x4.nearest(v);
  }
}

function isSimdUnary(op: i32): bool {
  return op == NEG || op == ABS || op == SQRT || op == RELU || op == FLOOR || op == CEIL || op == ROUND || op == EXP || op == SIGMOID || op == TANH || op == ERF;
}

/** out = op(x) over `end` contiguous floats (a multiple of 4), for a constant op: see simdRow. */
// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, out: usize, end: i32): void {
  for (let i = 0; i < end; i += 4) v128.store(out + (<usize>i << 2), unarySimd(op, v128.load(x + (<usize>i << 2))));
}

function unaryRow(op: i32, x: usize, sx: isize, out: usize, n: i32): void {
  let i = 0;
  if (sx == 1 && isSimdUnary(op)) {
    // The frequent ops get loops of their own: a switch inside the loop cost the costly ones a
    // quarter of their time (a branch chain per vector, no interleaving of iterations) and ReLU
    // and negation three quarters. (Inlining all of them into one switch made exp and tanh slower.)
    const end = n & ~3;
    if (op == EXP) for (; i < end; i += 4) v128.store(out + (<usize>i << 2), expSimd(v128.load(x + (<usize>i << 2))));
    else if (op == SIGMOID) for (; i < end; i += 4) v128.store(out + (<usize>i << 2), sigmoidSimd(v128.load(x + (<usize>i << 2))));
    else if (op == TANH) for (; i < end; i += 4) v128.store(out + (<usize>i << 2), tanhSimd(v128.load(x + (<usize>i << 2))));
    else if (op == ERF) for (; i < end; i += 4) v128.store(out + (<usize>i << 2), erfSimd(v128.load(x + (<usize>i << 2))));
    else if (op == RELU) unaryLoop(RELU, x, out, end);
    else if (op == NEG) unaryLoop(NEG, x, out, end);
    else unaryLoop(op, x, out, end);
    i = end;
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>unaryScalar(op, <f64>load<f32>(x + (<usize>(<isize>i * sx) << 2))));
}

export function unary(
  op: i32, x: usize, out: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  s0: isize, s1: isize, s2: isize, s3: isize,
): void {
  let o = out;
  for (let i0 = 0; i0 < n0; i0++)
    for (let i1 = 0; i1 < n1; i1++)
      for (let i2 = 0; i2 < n2; i2++) {
        unaryRow(op, x + (<usize>(<isize>i0 * s0 + <isize>i1 * s1 + <isize>i2 * s2) << 2), s3, o, n3);
        o += <usize>n3 << 2;
      }
}

function binaryScalar(op: i32, a: f64, b: f64): f64 {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case POW: return Math.pow(a, b);
    case MAXIMUM: return maximum(a, b);
    default: return minimum(a, b);
  }
}

// @ts-ignore: decorator
@inline function binarySimd(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAXIMUM: return f32x4.max(a, b);
    default: return f32x4.min(a, b);
  }
}

/**
 * out = a op b over n floats, 16 per step, for one constant op and constant operand layouts (sa,
 * sb: 1 contiguous, 0 one value splatted): inlined with constants, each instance is a loop without
 * a branch, where a switch on op inside the loop cost a cheap op most of its time. Returns how
 * many elements it did.
 */
// @ts-ignore: decorator
@inline function simdRow(op: i32, a: usize, sa: isize, b: usize, sb: isize, out: usize, n: i32): i32 {
  const va0 = v128.load32_splat(a);
  const vb0 = v128.load32_splat(b);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    v128.store(out + o, binarySimd(op, sa ? v128.load(a + o) : va0, sb ? v128.load(b + o) : vb0));
    v128.store(out + o + 16, binarySimd(op, sa ? v128.load(a + o + 16) : va0, sb ? v128.load(b + o + 16) : vb0));
    v128.store(out + o + 32, binarySimd(op, sa ? v128.load(a + o + 32) : va0, sb ? v128.load(b + o + 32) : vb0));
    v128.store(out + o + 48, binarySimd(op, sa ? v128.load(a + o + 48) : va0, sb ? v128.load(b + o + 48) : vb0));
  }
  return i;
}

/** simdRow for a runtime op (one of the six with a SIMD form), operand layouts still constant. */
// @ts-ignore: decorator
@inline function simdRows(op: i32, a: usize, sa: isize, b: usize, sb: isize, out: usize, n: i32): i32 {
  switch (op) {
    case ADD: return simdRow(ADD, a, sa, b, sb, out, n);
    case SUB: return simdRow(SUB, a, sa, b, sb, out, n);
    case MUL: return simdRow(MUL, a, sa, b, sb, out, n);
    case DIV: return simdRow(DIV, a, sa, b, sb, out, n);
    case MAXIMUM: return simdRow(MAXIMUM, a, sa, b, sb, out, n);
    default: return simdRow(MINIMUM, a, sa, b, sb, out, n);
  }
}

function binaryRow(op: i32, a: usize, sa: isize, b: usize, sb: isize, out: usize, n: i32): void {
  let i = 0;
  if (op != POW && op < EQ) {
    if (sa == 1 && sb == 1) i = simdRows(op, a, 1, b, 1, out, n);
    else if (sa == 1 && sb == 0) i = simdRows(op, a, 1, b, 0, out, n);
    else if (sa == 0 && sb == 1) i = simdRows(op, a, 0, b, 1, out, n);
  }
  if (op != POW && (sa == 1 || sa == 0) && (sb == 1 || sb == 0)) {
    // A stride-0 operand is splatted once; the other is loaded 4 at a time.
    const va0 = v128.load32_splat(a);
    const vb0 = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      const va = sa == 1 ? v128.load(a + off) : va0;
      const vb = sb == 1 ? v128.load(b + off) : vb0;
      v128.store(out + off, binarySimd(op, va, vb));
    }
  }
  for (; i < n; i++) {
    const va = <f64>load<f32>(a + (<usize>(<isize>i * sa) << 2));
    const vb = <f64>load<f32>(b + (<usize>(<isize>i * sb) << 2));
    store<f32>(out + (<usize>i << 2), <f32>binaryScalar(op, va, vb));
  }
}

function compare(op: i32, a: f32, b: f32): u8 {
  switch (op) {
    case EQ: return <u8>(a == b);
    case NE: return <u8>(a != b);
    case LT: return <u8>(a < b);
    case LE: return <u8>(a <= b);
    case GT: return <u8>(a > b);
    default: return <u8>(a >= b);
  }
}

function compareSimd(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case EQ: return f32x4.eq(a, b);
    case NE: return f32x4.ne(a, b);
    case LT: return f32x4.lt(a, b);
    case LE: return f32x4.le(a, b);
    case GT: return f32x4.gt(a, b);
    default: return f32x4.ge(a, b);
  }
}

/** out[i] = a[i] op b[i] as bytes; four lane masks narrow to four bytes (0 or 1) per step. */
function compareRow(op: i32, a: usize, sa: isize, b: usize, sb: isize, out: usize, n: i32): void {
  let i = 0;
  if ((sa == 1 || sa == 0) && (sb == 1 || sb == 0)) {
    const va0 = v128.load32_splat(a);
    const vb0 = v128.load32_splat(b);
    const one = i8x16.splat(1);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      const mask = compareSimd(op, sa == 1 ? v128.load(a + off) : va0, sb == 1 ? v128.load(b + off) : vb0);
      const half = i16x8.narrow_i32x4_s(mask, mask);
      v128.store32_lane(out + <usize>i, v128.and(i8x16.narrow_i16x8_s(half, half), one), 0);
    }
  }
  for (; i < n; i++) {
    store<u8>(out + <usize>i, compare(op, load<f32>(a + (<usize>(<isize>i * sa) << 2)), load<f32>(b + (<usize>(<isize>i * sb) << 2))));
  }
}

/** out = a op b; arithmetic ops write float32, comparisons write bytes (bool). */
export function binary(
  op: i32, a: usize, b: usize, out: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  a0: isize, a1: isize, a2: isize, a3: isize,
  b0: isize, b1: isize, b2: isize, b3: isize,
): void {
  let o = out;
  const cmp = op >= EQ;
  for (let i0 = 0; i0 < n0; i0++)
    for (let i1 = 0; i1 < n1; i1++)
      for (let i2 = 0; i2 < n2; i2++) {
        const pa = a + (<usize>(<isize>i0 * a0 + <isize>i1 * a1 + <isize>i2 * a2) << 2);
        const pb = b + (<usize>(<isize>i0 * b0 + <isize>i1 * b1 + <isize>i2 * b2) << 2);
        if (cmp) {
          compareRow(op, pa, a3, pb, b3, o, n3);
          o += <usize>n3;
        } else {
          binaryRow(op, pa, a3, pb, b3, o, n3);
          o += <usize>n3 << 2;
        }
      }
}

/**
 * ReLU's gradient from its output: out = y > 0 ? g : 0 over n contiguous floats, in one pass (the
 * composed where(gt(y, 0), g, 0) takes two and a mask). A NaN output passes no gradient, as there.
 */
export function reluBackward(y: usize, g: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const q = <usize>i << 2;
    v128.store(out + q, v128.and(v128.load(g + q), f32x4.gt(v128.load(y + q), zero)));
    v128.store(out + q, v128.and(v128.load(g + q, 16), f32x4.gt(v128.load(y + q, 16), zero)), 16);
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    store<f32>(out + q, load<f32>(y + q) > 0 ? load<f32>(g + q) : 0);
  }
}

/** out = cond ? a : b, cond bytes, a/b float32. */
export function where(
  cond: usize, a: usize, b: usize, out: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  c0: isize, c1: isize, c2: isize, c3: isize,
  a0: isize, a1: isize, a2: isize, a3: isize,
  b0: isize, b1: isize, b2: isize, b3: isize,
): void {
  let o = out;
  for (let i0 = 0; i0 < n0; i0++)
    for (let i1 = 0; i1 < n1; i1++)
      for (let i2 = 0; i2 < n2; i2++) {
        const pc = cond + <usize>(<isize>i0 * c0 + <isize>i1 * c1 + <isize>i2 * c2);
        const pa = a + (<usize>(<isize>i0 * a0 + <isize>i1 * a1 + <isize>i2 * a2) << 2);
        const pb = b + (<usize>(<isize>i0 * b0 + <isize>i1 * b1 + <isize>i2 * b2) << 2);
        let i = 0;
        if (c3 == 1 && (a3 == 1 || a3 == 0) && (b3 == 1 || b3 == 0)) {
          // Four condition bytes widen to four lane masks; bitselect takes a where set, b elsewhere.
          const va0 = v128.load32_splat(pa);
          const vb0 = v128.load32_splat(pb);
          for (; i + 4 <= n3; i += 4) {
            const bytes = v128.load32_zero(pc + <usize>i);
            const mask = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes)), i32x4.splat(0));
            const va = a3 == 1 ? v128.load(pa + (<usize>i << 2)) : va0;
            const vb = b3 == 1 ? v128.load(pb + (<usize>i << 2)) : vb0;
            v128.store(o, v128.bitselect(va, vb, mask));
            o += 16;
          }
        }
        for (; i < n3; i++) {
          const take = load<u8>(pc + <usize>(<isize>i * c3)) != 0;
          store<f32>(o, load<f32>(take ? pa + (<usize>(<isize>i * a3) << 2) : pb + (<usize>(<isize>i * b3) << 2)));
          o += 4;
        }
      }
}

// Dtype codes for copy/cast.
const F32 = 0, I32 = 1, BOOL = 2, F64 = 3;

function elementBytes(t: i32): usize {
  return t == BOOL ? 1 : t == F64 ? 8 : 4;
}

function read(t: i32, p: usize): f64 {
  switch (t) {
    case F32: return <f64>load<f32>(p);
    case I32: return <f64>load<i32>(p);
    case BOOL: return <f64>load<u8>(p);
    default: return load<f64>(p);
  }
}

function write(t: i32, p: usize, v: f64): void {
  switch (t) {
    case F32: store<f32>(p, <f32>v); break;
    // JavaScript's ToInt32: truncate, wrap modulo 2^32 (NaN → 0).
    case I32: store<i32>(p, isFinite(v) ? <i32><i64>Math.trunc(v % 4294967296) : 0); break;
    case BOOL: store<u8>(p, <u8>(v != 0)); break;
    default: store<f64>(p, v);
  }
}

/**
 * dst[...] = cast(src[...]) over a 4-D space where both sides are strided (assign writes into a
 * view; copy and cast write a contiguous one). Same-dtype rows with unit strides are memory copies.
 */
export function convert(
  st: i32, src: usize, dt: i32, dst: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  s0: isize, s1: isize, s2: isize, s3: isize,
  d0: isize, d1: isize, d2: isize, d3: isize,
): void {
  const sb = elementBytes(st);
  const db = elementBytes(dt);
  for (let i0 = 0; i0 < n0; i0++)
    for (let i1 = 0; i1 < n1; i1++)
      for (let i2 = 0; i2 < n2; i2++) {
        const ps = src + <usize>(<isize>i0 * s0 + <isize>i1 * s1 + <isize>i2 * s2) * sb;
        const pd = dst + <usize>(<isize>i0 * d0 + <isize>i1 * d1 + <isize>i2 * d2) * db;
        if (st == dt && s3 == 1 && d3 == 1) {
          copyBytes(pd, ps, <usize>n3 * sb);
        } else if (st == dt && st == F32) {
          for (let i = 0; i < n3; i++) store<f32>(pd + (<usize>(<isize>i * d3) << 2), load<f32>(ps + (<usize>(<isize>i * s3) << 2)));
        } else if (dt == BOOL && st == BOOL) {
          for (let i = 0; i < n3; i++) store<u8>(pd + <usize>(<isize>i * d3), load<u8>(ps + <usize>(<isize>i * s3)));
        } else {
          for (let i = 0; i < n3; i++) write(dt, pd + <usize>(<isize>i * d3) * db, read(st, ps + <usize>(<isize>i * s3) * sb));
        }
      }
}

// ---- GELU, fused: one pass forward, one backward (the composed op takes five or more) -------------

const SQRT1_2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;
const K_TANH: f32 = 0.7978845608028654; // √(2/π)
const C_TANH: f32 = 0.044715;
// The same constants as the SIMD loops read them (constants.ts): 2√(2/π), 0.044715, 3·0.044715, 1/√2, 1/√(2π), −½.
const GELU_K = memory.data<f32>([2 * K_TANH, C_TANH, 3 * C_TANH, SQRT1_2, INV_SQRT_2PI, -0.5]);

@inline
function geluK(i: i32): v128 {
  return lanes(GELU_K + (<usize>i << 2));
}

/** 2u = 2√(2/π)(x + 0.044715x³): GELU's tanh form is x·σ(2u), since 1 + tanh(u) = 2σ(2u) (no cancellation). */
@inline
function twoU(x: v128): v128 {
  return f32x4.mul(geluK(0), f32x4.add(x, f32x4.mul(geluK(1), f32x4.mul(x, f32x4.mul(x, x)))));
}

/** Φ(x) = (1 + erf(x/√2))/2 of four lanes. */
@inline
function phi(x: v128): v128 {
  return f32x4.mul(lanes(HALF), f32x4.add(lanes(ONE), erfSimd(f32x4.mul(x, geluK(3)))));
}

function geluScalar(x: f64, tanhForm: bool): f64 {
  if (tanhForm) return x / (1 + Math.exp(-2 * <f64>K_TANH * (x + <f64>C_TANH * x * x * x)));
  return x * 0.5 * (1 + erf(x * <f64>SQRT1_2));
}

export function gelu(x: usize, out: usize, n: i32, tanhForm: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = <usize>i << 2;
    const v = v128.load(x + q);
    v128.store(out + q, f32x4.mul(v, tanhForm ? unarySimd(SIGMOID, twoU(v)) : phi(v)));
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>geluScalar(<f64>load<f32>(x + (<usize>i << 2)), tanhForm));
}

/**
 * dx = g·GELU′(x): Φ(x) + x·φ(x), or s + x·s(1 − s)·2u′ with s = σ(2u). s(1 − s) is e/(1 + e)² for
 * e = exp(−|2u|), which keeps its precision where s rounds to 1.
 */
export function geluBackward(x: usize, g: usize, dx: usize, n: i32, tanhForm: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = <usize>i << 2;
    const v = v128.load(x + q);
    let d: v128;
    if (tanhForm) {
      const z = twoU(v);
      const e = expSimd(f32x4.neg(f32x4.abs(z)));
      const r = f32x4.div(lanes(ONE), f32x4.add(lanes(ONE), e));
      const s = v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(z, f32x4.splat(0)));
      const ss = f32x4.mul(e, f32x4.mul(r, r));
      const dz = f32x4.mul(geluK(0), f32x4.add(lanes(ONE), f32x4.mul(geluK(2), f32x4.mul(v, v))));
      d = f32x4.add(s, f32x4.mul(f32x4.mul(v, ss), dz));
    } else {
      const pdf = f32x4.mul(geluK(4), expSimd(f32x4.mul(geluK(5), f32x4.mul(v, v))));
      d = f32x4.add(phi(v), f32x4.mul(v, pdf));
    }
    v128.store(dx + q, f32x4.mul(v128.load(g + q), d));
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    const v = <f64>load<f32>(x + q);
    let d: f64;
    if (tanhForm) {
      const z = 2 * <f64>K_TANH * (v + <f64>C_TANH * v * v * v);
      const e = Math.exp(-Math.abs(z));
      const r = 1 / (1 + e);
      d = (z >= 0 ? r : e * r) + v * e * r * r * 2 * <f64>K_TANH * (1 + 3 * <f64>C_TANH * v * v);
    } else d = 0.5 * (1 + erf(v * <f64>SQRT1_2)) + v * <f64>INV_SQRT_2PI * Math.exp(-0.5 * v * v);
    store<f32>(dx + q, <f32>(<f64>load<f32>(g + q) * d));
  }
}
