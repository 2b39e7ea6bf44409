/**
 * Points and weights on [0, 1] for path integrals (Captum's approximation_methods): Riemann sums
 * (left, right, middle, trapezoid) and Gauss–Legendre quadrature.
 */
import { ValueError } from "../base/errors.js";

export type ApproximationMethod = "riemann_left" | "riemann_right" | "riemann_middle" | "riemann_trapezoid" | "gausslegendre";

export interface Quadrature {
  alphas: number[];
  weights: number[];
}

const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));

export function quadrature(method: ApproximationMethod, n: number): Quadrature {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`integrated gradients: nSteps must be a positive integer, got ${n}`);
  switch (method) {
    case "riemann_left":
      return { alphas: linspace(0, 1 - 1 / n, n), weights: new Array<number>(n).fill(1 / n) };
    case "riemann_right":
      return { alphas: linspace(1 / n, 1, n), weights: new Array<number>(n).fill(1 / n) };
    case "riemann_middle":
      return { alphas: linspace(1 / (2 * n), 1 - 1 / (2 * n), n), weights: new Array<number>(n).fill(1 / n) };
    case "riemann_trapezoid": {
      if (n < 2) throw new ValueError("integrated gradients: the trapezoid rule needs nSteps ≥ 2");
      const w = new Array<number>(n).fill(1 / (n - 1));
      w[0] = w[n - 1] = 1 / (2 * (n - 1));
      return { alphas: linspace(0, 1, n), weights: w };
    }
    case "gausslegendre": {
      const { nodes, weights } = gaussLegendre(n);
      return { alphas: nodes.map((x) => 0.5 * (x + 1)), weights: weights.map((w) => 0.5 * w) };
    }
    default:
      throw new ValueError(`integrated gradients: unknown method '${method as string}' (riemann_left, riemann_right, riemann_middle, riemann_trapezoid, gausslegendre)`);
  }
}

/**
 * Gauss–Legendre nodes (ascending) and weights on [−1, 1], as numpy.polynomial.legendre.leggauss:
 * Newton's method on P_n from Chebyshev starting points, P_n by its three-term recurrence.
 */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}
