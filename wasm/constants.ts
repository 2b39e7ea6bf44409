// SIMD constants as loads from static memory.
//
// V8 (Node 22/24, Chromium) rebuilds a v128 constant at every use from a general register: a
// 64-bit move, a move to the vector register and a shuffle, in every iteration of a loop (it does
// not hoist them, and Binaryen folds a constant kept in a local back into each use). A polynomial
// with a dozen coefficients pays 36 instructions a vector for them. A float kept in a static data
// segment and read with load32_splat costs one instruction (vbroadcastss), served from L1.

/** The four lanes of the 32-bit value stored at p (a `memory.data` constant). */
@inline
export function lanes(p: usize): v128 {
  return v128.load32_splat(p);
}

export const ONE = memory.data<f32>([1]);
export const TWO = memory.data<f32>([2]);
export const HALF = memory.data<f32>([0.5]);
/** A float32's sign bit in each lane. */
export const SIGN_BIT = memory.data<u32>([0x80000000]);
export const ONE_I32 = memory.data<i32>([1]);
