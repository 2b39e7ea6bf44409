/**
 * The Optimizer base: parameter groups with per-group options, per-parameter state, zeroGrad, and
 * state dicts in PyTorch's layout ({state: {index: …}, paramGroups: [{…options, params: [index…]}]}),
 * so training resumes exactly. Subclasses implement `update` for one parameter; the maths lives in
 * pure functions (functional.ts) that write in place without recording a graph.
 */
import { releaseGrad } from "../autograd/backward.js";
import { noGrad } from "../ops/grad-mode.js";
import { TensorgradError, ValueError } from "../base/errors.js";
import { keep, scope } from "../base/scope.js";
import type { Tensor } from "../ops/tensor.js";

/** Per-parameter state: tensors (moments, buffers) and numbers (step counts, products). */
export type ParamState = Record<string, Tensor | number>;

export type ParamGroup<O> = { params: Tensor[] } & O;

/** What a user passes: parameters, or groups of parameters with their own options. */
export type ParamsArg<O> = Iterable<Tensor> | ({ params: Iterable<Tensor> } & Partial<O>)[];

export interface OptimizerStateDict<O> {
  state: Record<number, ParamState>;
  paramGroups: (O & { params: number[] })[];
}

export class OptimizerError extends TensorgradError {}

function cloneState(s: ParamState): ParamState {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === "number" ? v : v.detach().clone()]));
}

export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[] = [];
  readonly state = new Map<Tensor, ParamState>();

  constructor(
    params: ParamsArg<O>,
    readonly defaults: O,
  ) {
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError(`${new.target.name}: got an empty parameter list`);
    const isGroups = list.every((g) => typeof g === "object" && g !== null && "params" in g && !("shape" in g));
    if (isGroups) for (const g of list as ({ params: Iterable<Tensor> } & Partial<O>)[]) this.addParamGroup(g);
    else this.addParamGroup({ params: list as Tensor[] } as unknown as { params: Iterable<Tensor> } & Partial<O>);
  }

  addParamGroup(group: { params: Iterable<Tensor> } & Partial<O>): void {
    const params = [...group.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!p.isLeaf) throw new OptimizerError(`${this.constructor.name}: can't optimize a non-leaf tensor`);
      if (seen.has(p)) throw new OptimizerError(`${this.constructor.name}: some parameters appear in more than one parameter group`);
    }
    const merged = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(merged);
    this.paramGroups.push(merged);
  }

  /** Checks a group's options (lr ≥ 0, betas in [0, 1), …); throws ValueError naming the option. */
  protected validate(group: ParamGroup<O>): void {
    if (!(group.lr >= 0)) throw new ValueError(`${this.constructor.name}: invalid learning rate ${group.lr}`);
  }

  /** Clears gradients; by default sets them to null (PyTorch 2's set_to_none=True). */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        if (setToNone) releaseGrad(p);
        else noGrad(() => p.grad!.zero_());
      }
    }
  }

  /** Updates every parameter that has a gradient. A closure re-evaluates the loss (returned). */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure ? closure() : undefined;
    // The update's temporaries are freed when it ends; the state it creates (moments) is kept.
    scope(() =>
      noGrad(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (!p.grad) continue;
            let s = this.state.get(p);
            if (!s) this.state.set(p, (s = {}));
            this.update(p, p.grad, s, group);
            keep(s);
          }
        }
      }),
    );
    return loss;
  }

  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): void;

  /** A snapshot (copied tensors) that loadStateDict restores exactly. */
  stateDict(): OptimizerStateDict<O> {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      return { ...(structuredClone(opts) as unknown as O), params: params.map((p) => index.set(p, index.size).get(p)!) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) if (index.has(p)) state[index.get(p)!] = cloneState(s);
    return { state, paramGroups };
  }

  loadStateDict(sd: OptimizerStateDict<O>): void {
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new OptimizerError(`loadStateDict: the state dict has ${sd.paramGroups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    }
    const byIndex: Tensor[] = [];
    sd.paramGroups.forEach((saved, i) => {
      const group = this.paramGroups[i]!;
      if (saved.params.length !== group.params.length) {
        throw new OptimizerError(`loadStateDict: parameter group ${i} has ${saved.params.length} parameters in the state dict, ${group.params.length} here`);
      }
      saved.params.forEach((idx, j) => (byIndex[idx] = group.params[j]!));
      const { params: _ignored, ...opts } = saved;
      Object.assign(group, structuredClone(opts));
    });
    this.state.clear();
    for (const [idx, s] of Object.entries(sd.state)) {
      const p = byIndex[Number(idx)];
      if (!p) throw new OptimizerError(`loadStateDict: state for unknown parameter index ${idx}`);
      this.state.set(p, cloneState(s));
    }
  }
}
