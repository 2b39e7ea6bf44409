// AssemblyScript source of the wasm backend's kernels (compiled by `npm run build:wasm` into
// src/backend/wasm/kernels.generated.ts). Pointers are byte offsets into the imported memory.

/**
 * C[M,N] = A[M,K] · B[K,N], all row-major and contiguous, float32.
 * A 4×8 register block: 4 rows of A broadcast against two 4-wide vectors of B per k, so each
 * loaded B vector serves four rows (8 accumulators stay in registers).
 */
export function sgemm(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32): void {
  const n8 = N & ~7;
  const m4 = M & ~3;
  const rowA = <usize>K << 2;
  const rowB = <usize>N << 2;
  for (let i = 0; i < m4; i += 4) {
    const a0 = a + <usize>i * rowA;
    for (let j = 0; j < n8; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let pb = b + (<usize>j << 2);
      let pa = a0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = f32x4.splat(load<f32>(pa));
        const x1 = f32x4.splat(load<f32>(pa + rowA));
        const x2 = f32x4.splat(load<f32>(pa + 2 * rowA));
        const x3 = f32x4.splat(load<f32>(pa + 3 * rowA));
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        pa += 4;
        pb += rowB;
      }
      const pc = c + (<usize>i * rowB) + (<usize>j << 2);
      v128.store(pc, c00);
      v128.store(pc, c01, 16);
      v128.store(pc + rowB, c10);
      v128.store(pc + rowB, c11, 16);
      v128.store(pc + 2 * rowB, c20);
      v128.store(pc + 2 * rowB, c21, 16);
      v128.store(pc + 3 * rowB, c30);
      v128.store(pc + 3 * rowB, c31, 16);
    }
  }
  // Remaining rows (all columns) and remaining columns (first m4 rows): plain dot products.
  for (let i = 0; i < M; i++) {
    const j0 = i < m4 ? n8 : 0;
    for (let j = j0; j < N; j++) {
      let acc: f32 = 0;
      for (let k = 0; k < K; k++) acc += load<f32>(a + ((<usize>i * K + k) << 2)) * load<f32>(b + ((<usize>k * N + j) << 2));
      store<f32>(c + ((<usize>i * N + j) << 2), acc);
    }
  }
}
