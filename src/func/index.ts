/**
 * tg.func — torch.func's function transforms over tensorgrad's engine: grad (a function's
 * gradient as a function), vjp, jvp, jacrev/jacfwd, hessian, and vmap (a function of one example
 * mapped over a batch dim). Each transform returns a new function; they compose (grad of grad).
 * vmap runs the function once per example and stacks the results: PyTorch's semantics (and
 * randomness per example), not its batching rules' speed.
 */
import { ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { enableGrad } from "../ops/grad-mode.js";
import { grad as autogradGrad } from "../autograd/backward.js";
import * as F from "../autograd/functional.js";
import { zerosLike } from "../ops/creation.js";
import { stack } from "../ops/movement.js";

type Fn = (...args: Tensor[]) => Tensor;
type Argnums = number | readonly number[];

const indices = (argnums: Argnums, count: number): number[] => {
  const list = typeof argnums === "number" ? [argnums] : [...argnums];
  for (const i of list) if (!(Number.isInteger(i) && i >= -count && i < count)) throw new ValueError(`func: argnum ${i} is out of range for ${count} arguments`);
  return list.map((i) => (i < 0 ? i + count : i));
};

/**
 * The gradient of a scalar-valued f with respect to argument(s) argnums, as a function of the
 * same arguments (torch.func.grad). The result keeps its graph, so grad(grad(f)) works.
 */
export function grad(f: Fn, { argnums = 0 }: { argnums?: Argnums } = {}): (...args: Tensor[]) => Tensor | Tensor[] {
  return (...args: Tensor[]) =>
    enableGrad(() => {
      const which = indices(argnums, args.length);
      const inputs = args.map((a, i) => (which.includes(i) ? (a.requiresGrad ? a.view([...a.shape]) : a.detach().requiresGrad_()) : a));
      const out = f(...inputs);
      if (out.numel() !== 1) throw new ValueError(`func.grad: f must return one element, got shape [${out.shape.join(", ")}]`);
      const xs = which.map((i) => inputs[i]!);
      const gs = out.requiresGrad ? autogradGrad(out.reshape([]), xs, { createGraph: true, retainGraph: true }) : xs.map(() => null);
      const result = gs.map((g, k) => g ?? zerosLike(xs[k]!));
      return typeof argnums === "number" ? result[0]! : result;
    });
}

/** [f(...primals), vjpFn]: vjpFn(cotangent) gives the cotangent pulled back to each primal. */
export function vjp(f: Fn, ...primals: Tensor[]): [output: Tensor, vjpFn: (cotangent: Tensor) => Tensor[]] {
  const out = f(...primals);
  return [
    out.detach(),
    (cotangent: Tensor) => {
      const [, g] = F.vjp(f, primals, cotangent, { createGraph: true });
      return g as Tensor[];
    },
  ];
}

/** [f(...primals), J·tangents] (forward-mode product). */
export function jvp(f: Fn, primals: readonly Tensor[], tangents: readonly Tensor[]): [output: Tensor, tangent: Tensor] {
  return F.jvp(f, primals, tangents, { createGraph: true });
}

/** The Jacobian of f with respect to argument(s) argnums, as a function (reverse mode, one pass per output element). */
export function jacrev(f: Fn, { argnums = 0 }: { argnums?: Argnums } = {}): (...args: Tensor[]) => Tensor | Tensor[] {
  return (...args: Tensor[]) => {
    const which = indices(argnums, args.length);
    const partial = (...xs: Tensor[]) => f(...args.map((a, i) => (which.includes(i) ? xs[which.indexOf(i)]! : a)));
    const j = F.jacobian(partial, which.map((i) => args[i]!), { createGraph: true });
    return typeof argnums === "number" ? (j as Tensor[])[0]! : (j as Tensor[]);
  };
}

/** torch.func.jacfwd: the same Jacobian (computed here by reverse mode). */
export const jacfwd = jacrev;

/** The Hessian of a scalar-valued f with respect to argument(s) argnums, as a function. */
export function hessian(f: Fn, { argnums = 0 }: { argnums?: Argnums } = {}): (...args: Tensor[]) => Tensor | Tensor[] {
  return jacrev((...args: Tensor[]) => grad(f, { argnums })(...args) as Tensor, { argnums });
}

/**
 * f mapped over dim inDims of each argument (null: the argument is shared), its results stacked
 * along outDims — torch.func.vmap.
 */
export function vmap(f: (...args: Tensor[]) => Tensor | Tensor[], { inDims = 0, outDims = 0 }: { inDims?: number | null | readonly (number | null)[]; outDims?: number | readonly number[] } = {}): (...args: Tensor[]) => Tensor | Tensor[] {
  return (...args: Tensor[]) => {
    const dims = Array.isArray(inDims) ? [...(inDims as readonly (number | null)[])] : args.map(() => inDims as number | null);
    if (dims.length !== args.length) throw new ValueError(`vmap: inDims has ${dims.length} entries for ${args.length} arguments`);
    const sizes = new Set(args.map((a, i) => (dims[i] === null ? null : a.shape.at(dims[i]!))).filter((s) => s !== null));
    if (sizes.size !== 1) throw new ValueError(`vmap: the mapped dims must have one size, got ${sizes.size ? [...sizes].join(", ") : "no mapped argument"}`);
    const n = [...sizes][0] as number;
    const results = Array.from({ length: n }, (_, b) => f(...args.map((a, i) => (dims[i] === null ? a : a.select(dims[i]!, b)))));
    const first = results[0];
    const outs = Array.isArray(outDims) ? [...(outDims as readonly number[])] : null;
    if (Array.isArray(first)) {
      return first.map((_, k) => stack(results.map((r) => (r as Tensor[])[k]!), outs ? outs[k]! : (outDims as number)));
    }
    return stack(results as Tensor[], outs ? outs[0]! : (outDims as number));
  };
}
