/**
 * torch.autograd.functional: Jacobians, Hessians and vector products of a function of tensors,
 * by repeated reverse-mode passes over the same engine (the forward-mode products jvp and hvp use
 * the double-backward trick: the gradient is linear in the output's cotangent, so differentiating
 * it again with respect to that cotangent gives J·v).
 */
import { ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { zeros, zerosLike } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { enableGrad } from "../ops/grad-mode.js";
import { grad } from "./backward.js";

export type Inputs = Tensor | readonly Tensor[];
type Outputs = Tensor | readonly Tensor[];

export interface FunctionalOptions {
  /** Keep the results differentiable (for higher derivatives). */
  createGraph?: boolean;
  /** An error, rather than zeros, when an output does not depend on an input. */
  strict?: boolean;
}

const asList = (x: Inputs | Outputs): Tensor[] => (Array.isArray(x) ? [...(x as readonly Tensor[])] : [x as Tensor]);

/** Fresh leaves standing for the inputs: detached unless createGraph keeps them connected. */
function prepare(inputs: Inputs, createGraph: boolean): Tensor[] {
  return asList(inputs).map((x) => (createGraph ? (x.requiresGrad ? x.view([...x.shape]) : x.detach().requiresGrad_()) : x.detach().requiresGrad_()));
}

function gradsOf(output: Tensor, xs: Tensor[], gradOutput: Tensor | undefined, createGraph: boolean, strict: boolean, what: string): Tensor[] {
  if (!output.requiresGrad) {
    if (strict) throw new ValueError(`${what}: the output does not depend on the inputs (strict)`);
    return xs.map((x) => zerosLike(x));
  }
  const gs = grad(output, xs, { retainGraph: true, createGraph, ...(gradOutput ? { gradOutput } : {}) });
  return gs.map((g, i) => {
    if (g) return g;
    if (strict) throw new ValueError(`${what}: output does not depend on input ${i} (strict)`);
    return zerosLike(xs[i]!);
  });
}

/** [output, vᵀ·J]: the vector–Jacobian product at the inputs (v defaults to 1 for a scalar output). */
export function vjp(f: (...xs: Tensor[]) => Tensor, inputs: Inputs, v?: Tensor, { createGraph = false, strict = false }: FunctionalOptions = {}): [output: Tensor, vjp: Tensor | Tensor[]] {
  return enableGrad(() => {
    const xs = prepare(inputs, createGraph);
    const out = f(...xs);
    if (!v && out.numel() !== 1) throw new ValueError(`vjp: give v for an output of shape [${out.shape.join(", ")}]`);
    const gs = gradsOf(out, xs, v, createGraph, strict, "vjp");
    const result = Array.isArray(inputs) ? gs : gs[0]!;
    return [createGraph ? out : out.detach(), result];
  });
}

/** [output, J·v]: the Jacobian–vector product (forward mode), by differentiating a vjp with respect to its cotangent. */
export function jvp(f: (...xs: Tensor[]) => Tensor, inputs: Inputs, v?: Tensor | readonly Tensor[], { createGraph = false, strict = false }: FunctionalOptions = {}): [output: Tensor, jvp: Tensor] {
  return enableGrad(() => {
    const xs = prepare(inputs, true);
    const vs = v === undefined ? xs.map((x) => (x.numel() === 1 ? zerosLike(x).add(1) : badV())) : asList(v);
    const out = f(...xs);
    if (!out.requiresGrad) {
      if (strict) throw new ValueError("jvp: the output does not depend on the inputs (strict)");
      return [out.detach(), zerosLike(out)];
    }
    const u = zerosLike(out).requiresGrad_(); // the cotangent; the vjp is linear in it
    const gs = grad(out, xs, { gradOutput: u, createGraph: true, retainGraph: true });
    let total: Tensor | null = null;
    gs.forEach((g, i) => {
      if (!g) return;
      const term = g.mul(vs[i]!).sum();
      total = total ? total.add(term) : term;
    });
    if (!total || !(total as Tensor).requiresGrad) return [out.detach(), zerosLike(out)];
    const [jv] = grad(total, [u], { createGraph, retainGraph: true });
    return [createGraph ? out : out.detach(), jv ?? zerosLike(out)];
  });
}

function badV(): never {
  throw new ValueError("jvp: give v when an input has more than one element");
}

/** The Jacobian: for one input and one output, a tensor of shape output.shape + input.shape; else nested lists [output][input]. */
export function jacobian(f: (...xs: Tensor[]) => Outputs, inputs: Inputs, { createGraph = false, strict = false }: FunctionalOptions = {}): Tensor | Tensor[] | Tensor[][] {
  return enableGrad(() => {
    const xs = prepare(inputs, createGraph);
    const outs = asList(f(...xs));
    const table = outs.map((out) => {
      const flat = out.reshape([-1]);
      const rows = xs.map(() => [] as Tensor[]);
      for (let i = 0; i < flat.numel(); i++) {
        const gs = gradsOf(flat.select(0, i), xs, undefined, createGraph, strict, "jacobian");
        gs.forEach((g, k) => rows[k]!.push(g));
      }
      return xs.map((x, k) => (rows[k]!.length ? stackRows(rows[k]!) : zeros([0, ...x.shape], { dtype: x.dtype })).reshape([...out.shape, ...x.shape]));
    });
    const single = (t: Tensor) => (createGraph ? t : t.detach());
    const outputsAreList = Array.isArray(table) && table.length !== 1;
    if (!Array.isArray(inputs) && !outputsAreList) return single(table[0]![0]!);
    if (!outputsAreList) return table[0]!.map(single);
    return table.map((row) => row.map(single));
  });
}

const stackRows = (rows: Tensor[]): Tensor => cat(rows.map((r) => r.unsqueeze(0)), 0);

/** The Hessian of a scalar function: input.shape + input.shape (nested lists for several inputs). */
export function hessian(f: (...xs: Tensor[]) => Tensor, inputs: Inputs, { createGraph = false, strict = false }: FunctionalOptions = {}): Tensor | Tensor[][] {
  const gradient = (...xs: Tensor[]) => {
    const out = f(...xs);
    if (out.numel() !== 1) throw new ValueError(`hessian: f must return one element, got shape [${out.shape.join(", ")}]`);
    return gradsOf(out.reshape([]), xs, undefined, true, strict, "hessian");
  };
  const j = jacobian((...xs) => gradient(...xs), inputs, { createGraph, strict });
  return Array.isArray(inputs) ? (j as Tensor[][]) : (j as Tensor);
}

/** [output, vᵀ·H] for a scalar function (H symmetric: the same as H·v). */
export function vhp(f: (...xs: Tensor[]) => Tensor, inputs: Inputs, v: Tensor | readonly Tensor[], { createGraph = false, strict = false }: FunctionalOptions = {}): [output: Tensor, vhp: Tensor | Tensor[]] {
  return enableGrad(() => {
    const xs = prepare(inputs, true);
    const out = f(...xs);
    const gs = gradsOf(out, xs, undefined, true, strict, "vhp");
    const vs = asList(v);
    let dot: Tensor | null = null;
    gs.forEach((g, i) => {
      const term = g.mul(vs[i]!).sum();
      dot = dot ? dot.add(term) : term;
    });
    const hv = dot && (dot as Tensor).requiresGrad ? gradsOf(dot, xs, undefined, createGraph, strict, "vhp") : xs.map((x) => zerosLike(x));
    const keep = (t: Tensor) => (createGraph ? t : t.detach());
    return [keep(out), Array.isArray(inputs) ? hv.map(keep) : keep(hv[0]!)];
  });
}

export const hvp = vhp;
