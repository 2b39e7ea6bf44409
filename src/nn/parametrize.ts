/**
 * tg.nn.utils.parametrize — torch.nn.utils.parametrize: a module's tensor (say `weight`) computed
 * on every access from unconstrained originals by parametrization modules, as PyTorch's
 * register_parametrization. The originals live at module.parametrizations[name].original (or
 * original0, original1, … when rightInverse returns several), so state dicts have PyTorch's keys.
 */
import { noGrad } from "../ops/grad-mode.js";
import { ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { ModuleDict } from "./layers/container.js";

/** A parametrization: forward maps the originals to the tensor; rightInverse (optional) maps a tensor to originals. */
export interface Parametrization extends Module {
  forward(...originals: Tensor[]): Tensor;
  rightInverse?(value: Tensor): Tensor | Tensor[];
}

/** The originals of one parametrized tensor and its chain of parametrizations (children "0", "1", …). */
export class ParametrizationList extends Module<never[], never> {
  readonly chain: Parametrization[] = [];
  /** How many originals the first parametrization takes (1: `original`; more: `original0`, `original1`, …). */
  readonly originals: number;

  constructor(first: Parametrization, value: Tensor, requiresGrad: boolean) {
    super();
    this.append(first);
    const inverted = noGrad(() => (first.rightInverse ? first.rightInverse(value) : value));
    const list = Array.isArray(inverted) ? inverted : [inverted];
    this.originals = Array.isArray(inverted) ? list.length : 1;
    if (Array.isArray(inverted)) list.forEach((t, i) => this.registerParameter(`original${i}`, new Parameter(t.detach().contiguous().clone(), requiresGrad)));
    else this.registerParameter("original", new Parameter(list[0]!.detach().contiguous().clone(), requiresGrad));
  }

  append(p: Parametrization): void {
    this.registerModule(String(this.chain.length), p);
    this.chain.push(p);
  }

  /** The parametrized tensor: the chain applied to the originals. */
  value(): Tensor {
    const params = Object.fromEntries(this.namedParameters("", false));
    const originals = this.originals === 1 && params.original ? [params.original] : Array.from({ length: this.originals }, (_, i) => params[`original${i}`]!);
    let out = this.chain[0]!.forward(...originals);
    for (const p of this.chain.slice(1)) out = p.forward(out);
    return out;
  }

  forward(): never {
    throw new ValueError("ParametrizationList: read the parametrized tensor through its module's attribute");
  }
}

function parametrizationsOf(module: Module): ModuleDict<ParametrizationList> | null {
  return ([...module.namedChildren()].find(([n]) => n === "parametrizations")?.[1] as ModuleDict<ParametrizationList> | undefined) ?? null;
}

/** Whether module has a parametrized tensor (named `name`, or any). */
export function isParametrized(module: Module, name?: string): boolean {
  const dict = parametrizationsOf(module);
  return !!dict && (name === undefined ? [...dict.namedChildren()].length > 0 : [...dict.namedChildren()].some(([n]) => n === name));
}

/** Makes module[name] the output of `parametrization` (appended to the chain when already parametrized). */
export function registerParametrization<M extends Module>(module: M, name: string, parametrization: Parametrization): M {
  let dict = parametrizationsOf(module);
  const existing = dict ? ([...dict.namedChildren()].find(([n]) => n === name)?.[1] as ParametrizationList | undefined) : undefined;
  if (existing) {
    existing.append(parametrization);
    return module;
  }
  const current = (module as unknown as Record<string, unknown>)[name];
  if (!current || typeof current !== "object" || !("shape" in current)) throw new ValueError(`registerParametrization: ${module.constructor.name} has no tensor '${name}'`);
  const param = module.unregisterParameter(name);
  const list = new ParametrizationList(parametrization, current as Tensor, param ? param.requiresGrad : false);
  if (!dict) {
    dict = new ModuleDict<ParametrizationList>();
    module.registerModule("parametrizations", dict);
  }
  dict.set(name, list);
  Object.defineProperty(module, name, { get: () => list.value(), configurable: true, enumerable: false });
  return module;
}

/**
 * Removes the parametrizations of module[name]: it becomes a plain parameter again, holding the
 * parametrized value (leaveParametrized, the default) or the original.
 */
export function removeParametrizations<M extends Module>(module: M, name: string, { leaveParametrized = true }: { leaveParametrized?: boolean } = {}): M {
  const dict = parametrizationsOf(module);
  const list = dict ? ([...dict.namedChildren()].find(([n]) => n === name)?.[1] as ParametrizationList | undefined) : undefined;
  if (!dict || !list) throw new ValueError(`removeParametrizations: ${module.constructor.name} has no parametrization on '${name}'`);
  const params = Object.fromEntries(list.namedParameters("", false));
  if (!leaveParametrized && list.originals !== 1) throw new ValueError("removeParametrizations: leaveParametrized: false needs a single original tensor");
  const value = leaveParametrized ? noGrad(() => list.value()) : params.original!;
  const requiresGrad = Object.values(params).some((p) => p.requiresGrad);
  delete (module as unknown as Record<string, unknown>)[name];
  const fresh = new Parameter(value.detach().contiguous().clone(), requiresGrad);
  Object.defineProperty(module, name, { value: fresh, writable: true, configurable: true, enumerable: true });
  module.registerParameter(name, fresh);
  dict.delete(name);
  if ([...dict.namedChildren()].length === 0) module.registerModule("parametrizations", null);
  return module;
}
