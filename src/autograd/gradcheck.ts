/**
 * Gradient checking: autograd against central finite differences, both in float64.
 *
 * The function's outputs are projected onto a fixed random vector u, s(x) = Σ u·f(x), so one
 * backward gives uᵀJ for every input element, and two evaluations per element give it numerically.
 */
import { isFloating } from "../base/dtype.js";
import { AutogradError, DTypeError } from "../base/errors.js";
import { Generator } from "../base/rng.js";
import { Tensor } from "../ops/tensor.js";
import { offsetsOfView } from "./view-offsets.js";
import { randn } from "../ops/creation.js";
import { mul } from "../ops/elementwise.js";
import { sum } from "../ops/reduce.js";
import { noGrad } from "../ops/grad-mode.js";

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Throw with the mismatches (default) instead of returning false. */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

/** A float64 leaf with the input's values; float64 leaves are used as given (their layout kept). */
function toDouble(t: Tensor): Tensor {
  if (t.dtype === "float64" && t.isLeaf) return t;
  return noGrad(() => t.detach().to("float64")).requiresGrad_(true);
}

function outputsOf(fn: Fn, inputs: readonly Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return Array.isArray(out) ? [...out] : [out as Tensor];
}

/** Reads or writes one element of a leaf in place (through a 1-element view of its storage). */
function element(t: Tensor, storageOffset: number): { get(): number; set(v: number): void } {
  const one = new Tensor(t.storage, [], [], storageOffset);
  return {
    get: () => one.item(),
    set: (v) => t.backend.assign(one, new Tensor(t.backend.fill(1, v, t.dtype), [])),
  };
}

export function gradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  const wanted = inputs.map((t) => t.requiresGrad);
  if (!wanted.some(Boolean)) throw new AutogradError("gradcheck: no input requires grad; set requiresGrad on the inputs to check");
  inputs.forEach((t, i) => {
    if (wanted[i] && !isFloating(t.dtype)) throw new DTypeError(`gradcheck: input ${i} requires grad but has dtype ${t.dtype}`);
  });
  const xs = inputs.map((t, i) => (wanted[i] ? toDouble(t) : t));
  xs.forEach((x) => (x.grad = null));

  const gen = new Generator(0);
  const outs = outputsOf(fn, xs);
  const us = outs.map((o) => randn(o.shape, { dtype: "float64", generator: gen }));
  const project = (os: Tensor[]) =>
    os.map((o, k) => sum(mul(o.to("float64"), us[k]!))).reduce((a, b) => a.add(b));

  const s = project(outs);
  if (!s.requiresGrad) throw new AutogradError("gradcheck: the output does not depend on any input that requires grad");
  s.backward();

  const mismatches: string[] = [];
  xs.forEach((x, i) => {
    if (!wanted[i]) return;
    const analytic = x.grad ? x.grad.dataSync() : new Float64Array(x.numel());
    const offsets = offsetsOfView(x);
    offsets.forEach((off, j) => {
      const el = element(x, off);
      const orig = el.get();
      const at = (v: number) => {
        el.set(v);
        return noGrad(() => project(outputsOf(fn, xs)).item());
      };
      const numeric = (at(orig + eps) - at(orig - eps)) / (2 * eps);
      el.set(orig);
      const a = analytic[j]!;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        mismatches.push(`input ${i}, element ${j}: analytic ${a}, numeric ${numeric}`);
      }
    });
  });
  if (mismatches.length && raiseException) {
    throw new AutogradError(`gradcheck failed (${mismatches.length} mismatches):\n  ${mismatches.slice(0, 10).join("\n  ")}`);
  }
  return mismatches.length === 0;
}
