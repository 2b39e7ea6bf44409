// Indexing along a dim (int32 indices): argmax/argmin, gather and scatter-add, over 4-D iteration
// spaces like the elementwise kernels. gather/scatterAdd return -1 when every index was in range,
// otherwise the position of the first bad one (the JS side throws IndexError naming it).
// scatterAdd adds only the elements whose index lies in [lo, hi): threads split a call by index
// ranges, each writing its own rows of the output in their order of addition and each checking
// every index. (A gather split that way was slower: each thread's output rows interleave with the
// other's, sharing cache lines.)

const ARGMAX = 0;
/** What indexAt returns for an index outside [0, size) (negative indices are errors, as in PyTorch's gather). */
const OUT_OF_RANGE: i32 = -2147483648;

/** The int32 index at element `at` of the index buffer, or OUT_OF_RANGE. */
@inline
function indexAt(index: usize, at: isize, size: i32): i32 {
  const v = load<i32>(index + (<usize>at << 2));
  return v < 0 || v >= size ? OUT_OF_RANGE : v;
}

/** out[g] (int32) = index of the first max/min of x along the last dim (n elements, stride sn); NaN wins. */
export function argReduce(
  op: i32, x: usize, out: usize,
  g0: i32, g1: i32, g2: i32, sg0: isize, sg1: isize, sg2: isize,
  n: i32, sn: isize,
): void {
  let o = out;
  for (let i0 = 0; i0 < g0; i0++)
    for (let i1 = 0; i1 < g1; i1++) {
      let i2 = 0;
      if (sg2 == 1 && n > 0) {
        // Kept dim contiguous (max pooling's windows): four outputs at a time, scanning the
        // reduced dim with lane masks. A lane takes v when v beats the best so far or is the first
        // NaN (a NaN best is final), as the scalar loop below.
        for (; i2 + 4 <= g2; i2 += 4) {
          const p = x + (<usize>(<isize>i0 * sg0 + <isize>i1 * sg1 + <isize>i2) << 2);
          let best = v128.load(p);
          let at = i32x4.splat(0);
          for (let j = 1; j < n; j++) {
            const v = v128.load(p + (<usize>(<isize>j * sn) << 2));
            const better = op == ARGMAX ? f32x4.gt(v, best) : f32x4.lt(v, best);
            const take = v128.and(v128.or(better, f32x4.ne(v, v)), f32x4.eq(best, best));
            best = v128.bitselect(v, best, take);
            at = v128.bitselect(i32x4.splat(j), at, take);
          }
          v128.store(o, at);
          o += 16;
        }
      }
      for (; i2 < g2; i2++) {
        const p = x + (<usize>(<isize>i0 * sg0 + <isize>i1 * sg1 + <isize>i2 * sg2) << 2);
        let best = load<f32>(p);
        let at = 0;
        for (let j = 1; j < n && !isNaN(best); j++) {
          const v = load<f32>(p + (<usize>(<isize>j * sn) << 2));
          if (isNaN(v) || (op == ARGMAX ? v > best : v < best)) {
            best = v;
            at = j;
          }
        }
        store<i32>(o, at);
        o += 4;
      }
    }
}

/** out[i] = x[xbase(i) + index[i]·sdim] for 4-byte elements; out contiguous over the index's shape. */
export function gather(
  x: usize, index: usize, out: usize, size: i32, sdim: isize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  x0: isize, x1: isize, x2: isize, x3: isize,
  i0s: isize, i1s: isize, i2s: isize, i3s: isize,
): i32 {
  let o = out;
  let pos = 0;
  for (let i0 = 0; i0 < n0; i0++)
    for (let i1 = 0; i1 < n1; i1++)
      for (let i2 = 0; i2 < n2; i2++) {
        const px = <isize>i0 * x0 + <isize>i1 * x1 + <isize>i2 * x2;
        const pi = <isize>i0 * i0s + <isize>i1 * i1s + <isize>i2 * i2s;
        if (i3s == 0 && x3 == 1) {
          // One index for a whole contiguous row (a node's features): copy the row, 4 lanes at a time.
          const v = indexAt(index, pi, size);
          if (v == OUT_OF_RANGE) return pos;
          const from = x + (<usize>(px + <isize>v * sdim) << 2);
          let i3 = 0;
          for (; i3 + 4 <= n3; i3 += 4) v128.store(o + (<usize>i3 << 2), v128.load(from + (<usize>i3 << 2)));
          for (; i3 < n3; i3++) store<u32>(o + (<usize>i3 << 2), load<u32>(from + (<usize>i3 << 2)));
          o += <usize>n3 << 2;
          pos += n3;
          continue;
        }
        for (let i3 = 0; i3 < n3; i3++) {
          const v = indexAt(index, pi + <isize>i3 * i3s, size);
          if (v == OUT_OF_RANGE) return pos;
          store<u32>(o, load<u32>(x + (<usize>(px + <isize>i3 * x3 + <isize>v * sdim) << 2)));
          o += 4;
          pos++;
        }
      }
  return -1;
}

/** out[obase(i) + index[i]·sdim] += src[i] (float32), out being a contiguous copy of the base. */
export function scatterAdd(
  out: usize, index: usize, src: usize, size: i32, sdim: isize, lo: i32, hi: i32,
  n0: i32, n1: i32, n2: i32, n3: i32,
  o0: isize, o1: isize, o2: isize, o3: isize,
  i0s: isize, i1s: isize, i2s: isize, i3s: isize,
  s0: isize, s1: isize, s2: isize, s3: isize,
): i32 {
  let pos = 0;
  for (let i0 = 0; i0 < n0; i0++)
    for (let i1 = 0; i1 < n1; i1++)
      for (let i2 = 0; i2 < n2; i2++) {
        const po = <isize>i0 * o0 + <isize>i1 * o1 + <isize>i2 * o2;
        const pi = <isize>i0 * i0s + <isize>i1 * i1s + <isize>i2 * i2s;
        const ps = <isize>i0 * s0 + <isize>i1 * s1 + <isize>i2 * s2;
        if (i3s == 0 && o3 == 1 && s3 == 1) {
          // One index for a whole contiguous row (a message): add the row, 4 lanes at a time.
          const v = indexAt(index, pi, size);
          if (v == OUT_OF_RANGE) return pos;
          if (v < lo || v >= hi) {
            pos += n3;
            continue;
          }
          const to = out + (<usize>(po + <isize>v * sdim) << 2);
          const from = src + (<usize>ps << 2);
          let i3 = 0;
          for (; i3 + 4 <= n3; i3 += 4) {
            const at = to + (<usize>i3 << 2);
            v128.store(at, f32x4.add(v128.load(at), v128.load(from + (<usize>i3 << 2))));
          }
          for (; i3 < n3; i3++) {
            const at = to + (<usize>i3 << 2);
            store<f32>(at, load<f32>(at) + load<f32>(from + (<usize>i3 << 2)));
          }
          pos += n3;
          continue;
        }
        for (let i3 = 0; i3 < n3; i3++) {
          const v = indexAt(index, pi + <isize>i3 * i3s, size);
          if (v == OUT_OF_RANGE) return pos;
          if (v >= lo && v < hi) {
            const at = out + (<usize>(po + <isize>i3 * o3 + <isize>v * sdim) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(src + (<usize>(ps + <isize>i3 * s3) << 2)));
          }
          pos++;
        }
      }
  return -1;
}

const AMAX = 0;
const AMIN = 1;

@inline
function combine(op: i32, a: f32, b: f32): f32 {
  // NaN wins in max and min, as Math.max/min in the reference loops.
  if (op == AMAX) return isNaN(a) || isNaN(b) ? NaN : max(a, b);
  if (op == AMIN) return isNaN(a) || isNaN(b) ? NaN : min(a, b);
  return a * b;
}

/**
 * out[obase(i) + index[i]·sdim] = out[…] op src[i] for op amax (0), amin (1) or prod (2), out a
 * contiguous float32 copy of the base. With fresh set, positions an index reaches first take the
 * op's identity (the base's value is left out: includeSelf false). Returns -1, or the position of
 * the first index out of range (nothing is written past a bad index's pass).
 */
export function scatterReduce(
  op: i32, fresh: bool, out: usize, index: usize, src: usize, size: i32, sdim: isize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  o0: isize, o1: isize, o2: isize, o3: isize,
  i0s: isize, i1s: isize, i2s: isize, i3s: isize,
  s0: isize, s1: isize, s2: isize, s3: isize,
): i32 {
  const identity: f32 = op == AMAX ? -Infinity : op == AMIN ? Infinity : 1;
  for (let pass = fresh ? 0 : 1; pass < 2; pass++) {
    let pos = 0;
    for (let i0 = 0; i0 < n0; i0++)
      for (let i1 = 0; i1 < n1; i1++)
        for (let i2 = 0; i2 < n2; i2++) {
          const po = <isize>i0 * o0 + <isize>i1 * o1 + <isize>i2 * o2;
          const pi = <isize>i0 * i0s + <isize>i1 * i1s + <isize>i2 * i2s;
          const ps = <isize>i0 * s0 + <isize>i1 * s1 + <isize>i2 * s2;
          for (let i3 = 0; i3 < n3; i3++) {
            const v = indexAt(index, pi + <isize>i3 * i3s, size);
            if (v == OUT_OF_RANGE) return pos;
            const at = out + (<usize>(po + <isize>i3 * o3 + <isize>v * sdim) << 2);
            if (pass == 0) store<f32>(at, identity);
            else store<f32>(at, combine(op, load<f32>(at), load<f32>(src + (<usize>(ps + <isize>i3 * s3) << 2))));
            pos++;
          }
        }
  }
  return -1;
}
