// Counter-based uniform and normal random numbers, bit-identical to src/base/rng.ts's uniformAt
// and normalAt: element i of a draw is a function of (seed, offset + i) only, so SIMD lanes and
// threads need no shared state.
import { lanes, ONE_I32 } from "./constants";

/** The hash's multipliers, the key's step (rng.ts) and the lane numbers 0 … 3, read from memory (constants.ts). */
const MIX_1 = memory.data<u32>([0x7feb352d]);
const MIX_2 = memory.data<u32>([0x846ca68b]);
const GOLDEN = memory.data<u32>([0x9e3779b9]);
const LANE_INDEX = memory.data<i32>([0, 1, 2, 3], 16);
/** A vector's counter steps within a block of sixteen. */
const STEPS = memory.data<i32>([4, 8, 12, 16]);

@inline
function mix32(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, lanes(MIX_1));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, lanes(MIX_2));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

@inline
function mix32s(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  return x ^ (x >>> 16);
}

/** The mixed bits of four counters whose low words are the lanes of lo and whose high word's term h is given. */
@inline
function bitsAt(lo: v128, h: v128, k: v128): v128 {
  return mix32(v128.xor(v128.xor(mix32(v128.xor(lo, k)), h), k));
}

/** The mixed bits of counters c … c + 3 (lanes) under the mixed key k: randomBits in four lanes. */
@inline
function bitLanes(c: u64, k: v128): v128 {
  const lo0 = <u32>c;
  const lo = i32x4.add(i32x4.splat(lo0), v128.load(LANE_INDEX));
  // A lane whose low word wrapped past 2^32 carries into the high word.
  const hi = i32x4.sub(i32x4.splat(<u32>(c >> 32)), i32x4.lt_u(lo, i32x4.splat(lo0)));
  const h = i32x4.mul(i32x4.add(hi, lanes(ONE_I32)), lanes(GOLDEN));
  return bitsAt(lo, h, k);
}

/** uniformAt for counters c … c + 3 under the mixed key k. */
@inline
function uniformLanes(c: u64, k: v128, scale: v128): v128 {
  return f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(bitLanes(c, k), 8)), scale);
}

/** uniformAt for counter c under the mixed key: one float32, for a draw's last n mod 4. */
@inline
function uniformScalar(c: u64, key: u32): f32 {
  return <f32>(mix32s(mix32s(<u32>c ^ key) ^ ((<u32>(c >> 32) + 1) * 0x9e3779b9) ^ key) >>> 8) * (1.0 / 16777216.0);
}

/** out[i] = uniformAt(seed, offset + i) as float32 in [0, 1), for i < n; offset < 2^53. */
export function uniform(out: usize, n: i32, seed: u32, offset: f64): void {
  const key = mix32s(seed ^ 0x85ebca6b);
  const start = <u64>offset;
  const scale = f32x4.splat(1.0 / 16777216.0);
  const k = i32x4.splat(key);
  let i = 0;
  // Four vectors per step: the multiply chains are latency-bound, so independent ones interleave.
  for (; i + 16 <= n; i += 16) {
    const p = out + (<usize>i << 2);
    v128.store(p, uniformLanes(start + <u64>i, k, scale));
    v128.store(p + 16, uniformLanes(start + <u64>(i + 4), k, scale));
    v128.store(p + 32, uniformLanes(start + <u64>(i + 8), k, scale));
    v128.store(p + 48, uniformLanes(start + <u64>(i + 12), k, scale));
  }
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), uniformLanes(start + <u64>i, k, scale));
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), uniformScalar(start + <u64>i, key));
}

/**
 * Dropout in one pass: out[i] = x[i]·scale where uniformAt(seed, offset + i) ≥ p, else 0, and
 * keep[i] = 1 or 0 (bytes), the mask `rand(x.shape) >= p` draws at those counters. With relu ≠ 0
 * it is dropout(relu(x)) in the same pass (a Transformer's feed-forward): out = max(x, 0)·scale
 * (NaN stays NaN) where kept, and keep[i] = 1 only where also x[i] > 0, which is then the whole
 * gradient's mask, relu's (PyTorch's: none at 0 or NaN) and dropout's. The gradient
 * reads keep (dropoutBackward) rather than hashing again, which costs about four memory passes.
 * The uniform is the 24-bit integer u = bits >>> 8 times 2^-24, exactly, so the test is
 * u ≥ ⌈p·2^24⌉ on integers. Where the counters share their high word (any call below 2^32 draws
 * into the stream), its term of the hash is one vector for the whole call.
 */
export function dropout(x: usize, out: usize, keep: usize, n: i32, p: f32, scale: f32, seed: u32, offset: f64, relu: i32): void {
  const key = mix32s(seed ^ 0x85ebca6b);
  const start = <u64>offset;
  const k = i32x4.splat(key), vs = f32x4.splat(scale);
  const threshold = i32x4.splat(<i32>Math.ceil(<f64>p * 16777216.0));
  let i = 0;
  // Four vectors per step: the hash chains are latency-bound, so independent ones interleave.
  if (n >= 16 && start >> 32 == (start + <u64>(n - 1)) >> 32) {
    const h = i32x4.splat((<u32>(start >> 32) + 1) * 0x9e3779b9);
    let lo = i32x4.add(i32x4.splat(<u32>start), v128.load(LANE_INDEX));
    const four = lanes(STEPS), eight = lanes(STEPS + 4), twelve = lanes(STEPS + 8), sixteen = lanes(STEPS + 12);
    for (; i + 16 <= n; i += 16) {
      const k0 = keeps(bitsAt(lo, h, k), threshold), k1 = keeps(bitsAt(i32x4.add(lo, four), h, k), threshold);
      const k2 = keeps(bitsAt(i32x4.add(lo, eight), h, k), threshold), k3 = keeps(bitsAt(i32x4.add(lo, twelve), h, k), threshold);
      if (relu) dropSixteenRelu(x, out, keep, i, vs, k0, k1, k2, k3);
      else dropSixteen(x, out, keep, i, vs, k0, k1, k2, k3);
      lo = i32x4.add(lo, sixteen);
    }
  } else {
    for (; i + 16 <= n; i += 16) {
      const c = start + <u64>i;
      const k0 = keeps(bitLanes(c, k), threshold), k1 = keeps(bitLanes(c + 4, k), threshold);
      const k2 = keeps(bitLanes(c + 8, k), threshold), k3 = keeps(bitLanes(c + 12, k), threshold);
      if (relu) dropSixteenRelu(x, out, keep, i, vs, k0, k1, k2, k3);
      else dropSixteen(x, out, keep, i, vs, k0, k1, k2, k3);
    }
  }
  for (; i < n; i++) {
    const kept = uniformScalar(start + <u64>i, key) >= p;
    const q = <usize>i << 2;
    const v = load<f32>(x + q);
    store<f32>(out + q, kept ? (relu ? max(v, 0) : v) * scale : 0);
    store<u8>(keep + <usize>i, <u8>(kept && (!relu || v > 0)));
  }
}

/** Dropout's gradient: out[i] = g[i]·scale where keep[i] (a byte, 0 or 1), else 0. */
export function dropoutBackward(g: usize, keep: usize, out: usize, n: i32, scale: f32): void {
  const vs = f32x4.splat(scale);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const m = i8x16.neg(v128.load(keep + <usize>i)); // 0 or −1 (all bits) per byte
    const lo = i16x8.extend_low_i8x16_s(m), hi = i16x8.extend_high_i8x16_s(m);
    const q = <usize>i << 2;
    v128.store(out + q, v128.and(f32x4.mul(v128.load(g + q), vs), i32x4.extend_low_i16x8_s(lo)));
    v128.store(out + q, v128.and(f32x4.mul(v128.load(g + q, 16), vs), i32x4.extend_high_i16x8_s(lo)), 16);
    v128.store(out + q, v128.and(f32x4.mul(v128.load(g + q, 32), vs), i32x4.extend_low_i16x8_s(hi)), 32);
    v128.store(out + q, v128.and(f32x4.mul(v128.load(g + q, 48), vs), i32x4.extend_high_i16x8_s(hi)), 48);
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    store<f32>(out + q, load<u8>(keep + <usize>i) ? load<f32>(g + q) * scale : 0);
  }
}

/** The lanes whose uniform, (bits >>> 8)·2^-24, is ≥ p: (bits >>> 8) ≥ ⌈p·2^24⌉ (threshold). */
@inline
function keeps(bits: v128, threshold: v128): v128 {
  return i32x4.ge_s(i32x4.shr_u(bits, 8), threshold);
}

/** Elements i … i + 15: out = x·scale where the four masks keep a lane, else 0, and their keep bytes. */
@inline
function dropSixteen(x: usize, out: usize, keep: usize, i: i32, vs: v128, k0: v128, k1: v128, k2: v128, k3: v128): void {
  const q = <usize>i << 2;
  v128.store(keep + <usize>i, v128.and(i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(k0, k1), i16x8.narrow_i32x4_s(k2, k3)), i8x16.splat(1)));
  v128.store(out + q, v128.and(f32x4.mul(v128.load(x + q), vs), k0));
  v128.store(out + q, v128.and(f32x4.mul(v128.load(x + q, 16), vs), k1), 16);
  v128.store(out + q, v128.and(f32x4.mul(v128.load(x + q, 32), vs), k2), 32);
  v128.store(out + q, v128.and(f32x4.mul(v128.load(x + q, 48), vs), k3), 48);
}

/** dropSixteen of relu(x): max(x, 0) propagates NaN (pmax would not); a lane's keep byte also needs x > 0. */
@inline
function dropSixteenRelu(x: usize, out: usize, keep: usize, i: i32, vs: v128, k0: v128, k1: v128, k2: v128, k3: v128): void {
  const q = <usize>i << 2;
  const zero = f32x4.splat(0);
  const x0 = v128.load(x + q), x1 = v128.load(x + q, 16), x2 = v128.load(x + q, 32), x3 = v128.load(x + q, 48);
  const p0 = v128.and(k0, f32x4.gt(x0, zero)), p1 = v128.and(k1, f32x4.gt(x1, zero));
  const p2 = v128.and(k2, f32x4.gt(x2, zero)), p3 = v128.and(k3, f32x4.gt(x3, zero));
  v128.store(keep + <usize>i, v128.and(i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(p0, p1), i16x8.narrow_i32x4_s(p2, p3)), i8x16.splat(1)));
  v128.store(out + q, v128.and(f32x4.mul(f32x4.max(x0, zero), vs), k0));
  v128.store(out + q, v128.and(f32x4.mul(f32x4.max(x1, zero), vs), k1), 16);
  v128.store(out + q, v128.and(f32x4.mul(f32x4.max(x2, zero), vs), k2), 32);
  v128.store(out + q, v128.and(f32x4.mul(f32x4.max(x3, zero), vs), k3), 48);
}

// ---- normal draws ------------------------------------------------------------------------------
// Element i is rng.ts's normalAt(seed, offset + i): Box–Muller over the uniforms at counters 2c and
// 2c + 1, in float64 and then rounded, with log and cos as fdlibm computes them (its minimax
// coefficients), two draws per f64x2. The float32 results can differ from the JavaScript
// reference's only where the two float64 values straddle a float32 rounding boundary: none did in
// 2.36M draws checked (test/backends/fastmath.test.ts checks 171K).

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const TWO_PI: f64 = 6.28318530717958647693;

/** ln x for positive normal float64 lanes: fdlibm's log. */
@inline
function logLanes(bits: v128): v128 {
  // x = 2^e · m with m in [√½, √2).
  let e = f64x2.convert_low_i32x4_s(i32x4.shuffle(i32x4.sub(i64x2.shr_u(bits, 52), i32x4.splat(1023)), i32x4.splat(0), 0, 2, 4, 4));
  let m = v128.or(v128.and(bits, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, f64x2.splat(1.4142135623730951));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  e = f64x2.add(e, v128.and(big, f64x2.splat(1)));
  const f = f64x2.sub(m, f64x2.splat(1));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(3.999999999940941908e-01), f64x2.mul(w, f64x2.add(f64x2.splat(2.222219843214978396e-01), f64x2.mul(w, f64x2.splat(1.531383769920937332e-01))))));
  const t2 = f64x2.mul(z, f64x2.add(f64x2.splat(6.666666666666735130e-01), f64x2.mul(w, f64x2.add(f64x2.splat(2.857142874366239149e-01), f64x2.mul(w, f64x2.add(f64x2.splat(1.818357216161805012e-01), f64x2.mul(w, f64x2.splat(1.479819860511658591e-01))))))));
  const R = f64x2.add(t2, t1);
  const hfsq = f64x2.mul(f64x2.splat(0.5), f64x2.mul(f, f));
  const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.mul(e, f64x2.splat(LN2_LO)));
  return f64x2.sub(f64x2.mul(e, f64x2.splat(LN2_HI)), f64x2.sub(f64x2.sub(hfsq, inner), f));
}

/** cos(2πu) for u in [0, 1) (float64 lanes): a quarter turn n = round(4u) off, fdlibm's sin or cos kernel on the rest (|x| ≤ π/4). */
@inline
function cos2pi(u: v128): v128 {
  const n = f64x2.nearest(f64x2.mul(u, f64x2.splat(4)));
  const x = f64x2.mul(f64x2.sub(u, f64x2.mul(n, f64x2.splat(0.25))), f64x2.splat(TWO_PI));
  const z = f64x2.mul(x, x);
  let c = f64x2.splat(-1.13596475577881948265e-11);
  c = f64x2.add(f64x2.mul(c, z), f64x2.splat(2.08757232129817482790e-09));
  c = f64x2.add(f64x2.mul(c, z), f64x2.splat(-2.75573143513906633035e-07));
  c = f64x2.add(f64x2.mul(c, z), f64x2.splat(2.48015872894767294178e-05));
  c = f64x2.add(f64x2.mul(c, z), f64x2.splat(-1.38888888888741095749e-03));
  c = f64x2.add(f64x2.mul(c, z), f64x2.splat(4.16666666666666019037e-02));
  const hz = f64x2.mul(f64x2.splat(0.5), z);
  const w = f64x2.sub(f64x2.splat(1), hz);
  const cosx = f64x2.add(w, f64x2.add(f64x2.sub(f64x2.sub(f64x2.splat(1), w), hz), f64x2.mul(f64x2.mul(z, z), c)));
  let r = f64x2.splat(1.58969099521155010221e-10);
  r = f64x2.add(f64x2.mul(r, z), f64x2.splat(-2.50507602534068634195e-08));
  r = f64x2.add(f64x2.mul(r, z), f64x2.splat(2.75573137070700676789e-06));
  r = f64x2.add(f64x2.mul(r, z), f64x2.splat(-1.98412698298579493134e-04));
  r = f64x2.add(f64x2.mul(r, z), f64x2.splat(8.33333333332248946124e-03));
  const sinx = f64x2.add(x, f64x2.mul(f64x2.mul(z, x), f64x2.add(f64x2.splat(-1.66666666666666324348e-01), f64x2.mul(z, r))));
  // cos(x + nπ/2): cos x, −sin x, −cos x, sin x for n = 0, 1, 2, 3 (4 is 0 again).
  const odd = v128.or(f64x2.eq(n, f64x2.splat(1)), f64x2.eq(n, f64x2.splat(3)));
  const negate = v128.or(f64x2.eq(n, f64x2.splat(1)), f64x2.eq(n, f64x2.splat(2)));
  const v = v128.bitselect(sinx, cosx, odd);
  return v128.bitselect(f64x2.neg(v), v, negate);
}

/** Draws offset + i and offset + i + 1 as float32 lanes 0 and 1. */
@inline
function normalPair(c: u64, k: v128): v128 {
  const bits = i32x4.shr_u(bitLanes(2 * c, k), 8); // counters 2c, 2c + 1, 2c + 2, 2c + 3
  const scale = f64x2.splat(1.0 / 16777216.0);
  const u1 = f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.add(i32x4.shuffle(bits, bits, 0, 2, 0, 2), lanes(ONE_I32))), scale); // (0, 1]
  const u2 = f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(bits, bits, 1, 3, 1, 3)), scale);
  const v = f64x2.mul(f64x2.sqrt(f64x2.mul(f64x2.splat(-2), logLanes(u1))), cos2pi(u2));
  return f32x4.demote_f64x2_zero(v);
}

/** out[i] = normalAt(seed, offset + i) as float32, for i < n; offset < 2^52. */
export function normal(out: usize, n: i32, seed: u32, offset: f64): void {
  const k = i32x4.splat(mix32s(seed ^ 0x85ebca6b));
  const start = <u64>offset;
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store64_lane(out + (<usize>i << 2), normalPair(start + <u64>i, k), 0);
  if (i < n) v128.store32_lane(out + (<usize>i << 2), normalPair(start + <u64>i, k), 0);
}
