/**
 * The interpretable models Lime and KernelShap fit to a black box's perturbed outputs: weighted least
 * squares and the weighted Lasso (scikit-learn's objective: 1/(2Σw) Σ wᵢ(yᵢ − b₀ − xᵢ·b)² + α‖b‖₁),
 * both with an intercept. Plain arrays: the problems have tens of features and samples.
 */

export interface LinearFit {
  coef: number[];
  intercept: number;
}

/** Weighted means of the columns and of y; the data centred by them. */
function centre(x: readonly number[][], y: readonly number[], w: readonly number[]) {
  const total = w.reduce((a, b) => a + b, 0);
  const d = x[0]?.length ?? 0;
  const xMean = new Array<number>(d).fill(0);
  let yMean = 0;
  x.forEach((row, i) => {
    row.forEach((v, j) => (xMean[j]! += (w[i]! * v) / total));
    yMean += (w[i]! * y[i]!) / total;
  });
  return { total, xMean, yMean, xc: x.map((row) => row.map((v, j) => v - xMean[j]!)), yc: y.map((v) => v - yMean) };
}

/** Weighted least squares. Directions the samples never vary along get coefficient 0 (a tiny ridge). */
export function weightedLeastSquares(x: readonly number[][], y: readonly number[], w: readonly number[]): LinearFit {
  const { xMean, yMean, xc, yc } = centre(x, y, w);
  const d = xMean.length;
  const a = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const b = new Array<number>(d).fill(0);
  xc.forEach((row, i) => {
    for (let j = 0; j < d; j++) {
      b[j]! += w[i]! * row[j]! * yc[i]!;
      for (let k = 0; k < d; k++) a[j]![k]! += w[i]! * row[j]! * row[k]!;
    }
  });
  const scale = Math.max(1e-300, ...a.map((r, j) => r[j]!));
  a.forEach((r, j) => (r[j]! += 1e-12 * scale));
  const coef = solveSymmetric(a, b);
  return { coef, intercept: yMean - coef.reduce((s, c, j) => s + c * xMean[j]!, 0) };
}

/** Gaussian elimination with partial pivoting (the system is small and positive definite). */
function solveSymmetric(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    const p = a[col]![col]!;
    if (p === 0) continue;
    for (let r = col + 1; r < n; r++) {
      const f = a[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c < n; c++) a[r]![c]! -= f * a[col]![c]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!;
    x[r] = a[r]![r]! === 0 ? 0 : s / a[r]![r]!;
  }
  return x;
}

/** The weighted Lasso by cyclic coordinate descent (scikit-learn's Lasso with sample_weight). */
export function weightedLasso(x: readonly number[][], y: readonly number[], w: readonly number[], alpha: number, { maxIter = 1000, tol = 1e-8 } = {}): LinearFit {
  const { total, xMean, yMean, xc, yc } = centre(x, y, w);
  const d = xMean.length;
  const coef = new Array<number>(d).fill(0);
  const residual = [...yc];
  const norms = Array.from({ length: d }, (_, j) => xc.reduce((s, row, i) => s + (w[i]! * row[j]! ** 2) / total, 0));
  for (let iter = 0; iter < maxIter; iter++) {
    let biggest = 0;
    for (let j = 0; j < d; j++) {
      if (norms[j] === 0) continue;
      let rho = 0;
      xc.forEach((row, i) => (rho += (w[i]! * row[j]! * (residual[i]! + row[j]! * coef[j]!)) / total));
      const next = Math.sign(rho) * Math.max(Math.abs(rho) - alpha, 0) / norms[j]!;
      const change = next - coef[j]!;
      if (change !== 0) xc.forEach((row, i) => (residual[i]! -= row[j]! * change));
      coef[j] = next;
      biggest = Math.max(biggest, Math.abs(change));
    }
    if (biggest < tol) break;
  }
  return { coef, intercept: yMean - coef.reduce((s, c, j) => s + c * xMean[j]!, 0) };
}
