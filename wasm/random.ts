// Counter-based uniform random numbers, bit-identical to src/base/rng.ts's uniformAt: element i
// of a draw is a function of (seed, offset + i) only, so SIMD lanes need no shared state.

@inline
function mix32(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x846ca68b));
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

/** uniformAt for counters c … c + 3 under the mixed key k. */
@inline
function lanes(c: u64, k: v128, scale: v128): v128 {
  const lo0 = <u32>c;
  const lo = i32x4.add(i32x4.splat(lo0), i32x4(0, 1, 2, 3));
  // A lane whose low word wrapped past 2^32 carries into the high word.
  const hi = i32x4.sub(i32x4.splat(<u32>(c >> 32)), i32x4.lt_u(lo, i32x4.splat(lo0)));
  const h = i32x4.mul(i32x4.add(hi, i32x4.splat(1)), i32x4.splat(0x9e3779b9));
  const bits = mix32(v128.xor(v128.xor(mix32(v128.xor(lo, k)), h), k));
  return f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(bits, 8)), scale);
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
    v128.store(p, lanes(start + <u64>i, k, scale));
    v128.store(p + 16, lanes(start + <u64>(i + 4), k, scale));
    v128.store(p + 32, lanes(start + <u64>(i + 8), k, scale));
    v128.store(p + 48, lanes(start + <u64>(i + 12), k, scale));
  }
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), lanes(start + <u64>i, k, scale));
  for (; i < n; i++) {
    const c = start + <u64>i;
    const bits = mix32s(mix32s(<u32>c ^ key) ^ ((<u32>(c >> 32) + 1) * 0x9e3779b9) ^ key);
    store<f32>(out + (<usize>i << 2), <f32>(bits >>> 8) * (1.0 / 16777216.0));
  }
}
