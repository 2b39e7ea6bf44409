// Bulk copies and fills as plain SIMD loads and stores, never memory.copy or memory.fill.
//
// Why: a kernel on a pool worker copied h0 into a state block the main thread had allocated right
// after growing the shared memory, and trapped ("memory access out of bounds") at that
// memory.copy although the address was valid (test/cli.test.ts, about one CI run in twenty).
// V8 checks the bulk instructions against the calling instance's own record of the memory's
// size, which another thread's growth updates only when that isolate next handles an interrupt;
// plain loads and stores are checked by the memory's guard pages, which growth opens for every
// thread at once. The build disables bulk memory (tools/build-wasm.mjs), so the instructions
// cannot come back by another route.

/** dst[0, n) ← src[0, n), in bytes; the ranges do not overlap. */
export function copyBytes(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) v128.store(dst + i, v128.load(src + i));
  for (; i + 4 <= n; i += 4) store<u32>(dst + i, load<u32>(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}

/** dst[0, n) ← 0, in bytes. */
export function zeroBytes(dst: usize, n: usize): void {
  const zero = i32x4.splat(0);
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) v128.store(dst + i, zero);
  for (; i + 4 <= n; i += 4) store<u32>(dst + i, 0);
  for (; i < n; i++) store<u8>(dst + i, 0);
}

/**
 * dst[0, n) ← bits, in 32-bit words (a float32 or int32 fill). TypedArray.fill on the shared
 * memory stores one element at a time (8 GB/s measured; 500 KB of zeros took 50–70 µs).
 */
export function fill32(dst: usize, n: i32, bits: i32): void {
  const v = i32x4.splat(bits);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = dst + (<usize>i << 2);
    v128.store(p, v);
    v128.store(p, v, 16);
    v128.store(p, v, 32);
    v128.store(p, v, 48);
  }
  for (; i < n; i++) store<i32>(dst + (<usize>i << 2), bits);
}
