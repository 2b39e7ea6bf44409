/**
 * nn.Module: parameters, buffers and submodules registered under PyTorch's names.
 *
 * Fields holding a Module or a Parameter are found by name (`fc1 = new nn.Linear(400, 120)` is
 * registered as "fc1", in declaration order), so user models read like PyTorch's. Names a field
 * cannot express (`weight_ih_l0`, `0`, buffers) are registered explicitly with registerParameter,
 * registerBuffer and registerModule.
 */
import { releaseGrad } from "../autograd/backward.js";
import { noGrad } from "../ops/grad-mode.js";
import { DTypeError, ShapeError, TensorgradError, fmtShape } from "../base/errors.js";
import { DTYPES, isFloating, type DType } from "../base/dtype.js";
import { deviceBackend } from "../backend/registry.js";
import { shapesEqual } from "../base/shape.js";
import type { Tensor } from "../ops/tensor.js";
import { RemovableHandle } from "../base/hooks.js";
import { Parameter } from "./parameter.js";
import { withBackwardHooks, type BackwardHook, type BackwardPreHook } from "./backward-hooks.js";

/** A state dict: dotted names (exactly PyTorch's) to tensors, in registration order. */
export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class StateDictError extends TensorgradError {}

// Hooks see forward's arguments and output untyped, as in PyTorch: one hook serves modules of any
// signature (a typed one would make Module<[Tensor]> unassignable to Module<any[]>).
/** Runs before forward; returning an array replaces the arguments (PyTorch's forward pre-hook). */
export type ForwardPreHook = (module: Module, args: any[]) => any[] | void;
/** Runs after forward; returning a value replaces the output (PyTorch's forward hook). */
export type ForwardHook = (module: Module, args: any[], output: any) => unknown;

// `any` by default: a Module of unstated signature accepts and returns anything (PyTorch's duck typing).
export abstract class Module<In extends unknown[] = any[], Out = any> {
  training = true;
  private readonly params = new Map<string, Parameter | null>();
  private readonly bufs = new Map<string, Tensor | null>();
  private readonly nonPersistent = new Set<string>();
  private readonly mods = new Map<string, Module | null>();

  abstract forward(...args: In): Out;

  // ---- registration ---------------------------------------------------------------------------

  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    this.params.set(name, param);
    return param;
  }

  /** Removes a parameter (PyTorch's `del module.name`); returns it, or null when there was none. */
  unregisterParameter(name: string): Parameter | null {
    this.discover();
    const p = this.params.get(name) ?? null;
    this.params.delete(name);
    if (Object.hasOwn(this, name) && (this as Record<string, unknown>)[name] === p) delete (this as Record<string, unknown>)[name];
    return p;
  }

  registerBuffer<T extends Tensor | null>(name: string, tensor: T, persistent = true): T {
    this.bufs.set(name, tensor);
    if (!persistent) this.nonPersistent.add(name);
    return tensor;
  }

  registerModule<M extends Module | null>(name: string, module: M): M {
    this.mods.set(name, module);
    return module;
  }

  /** Picks up fields holding Modules or Parameters not registered explicitly (see the class note). */
  private discover(): void {
    const known = new Set<unknown>([...this.params.values(), ...this.mods.values()]);
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Parameter) {
        if (this.params.has(key) || !known.has(value)) this.params.set(key, value);
      } else if (value instanceof Module) {
        if (this.mods.has(key) || !known.has(value)) this.mods.set(key, value);
      }
    }
  }

  /**
   * The parameter registered under `name` on this module itself, or null: what namedParameters
   * lists under that name, without walking them (a layer's forward looks its weights up each call).
   * Only a field of that name can change the answer, and then the full discovery runs.
   */
  protected ownParameter(name: string): Parameter | null {
    if (Object.hasOwn(this, name)) this.discover();
    return this.params.get(name) ?? null;
  }

  /** Replaces a buffer's tensor (e.g. BatchNorm's running statistics after an update). */
  protected setBuffer(name: string, tensor: Tensor): void {
    if (!this.bufs.has(name)) throw new TensorgradError(`${this.constructor.name}: no buffer named '${name}'`);
    this.bufs.set(name, tensor);
  }

  getBuffer(name: string): Tensor | null {
    return this.bufs.get(name) ?? null;
  }

  // ---- hooks --------------------------------------------------------------------------------------

  private preHooks: ForwardPreHook[] = [];
  private postHooks: ForwardHook[] = [];
  // Stored for any module (`this` in a field's type would make subclasses incompatible); typed at registration.
  private backwardHooks: BackwardHook<Module>[] = [];
  private backwardPreHooks: BackwardPreHook<Module>[] = [];

  /** PyTorch's register_forward_pre_hook: `hook(module, args)` before every forward call. */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    return this.addHook(this.preHooks, hook);
  }

  /** PyTorch's register_forward_hook: `hook(module, args, output)` after every forward call. */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    return this.addHook(this.postHooks, hook);
  }

  /**
   * PyTorch's register_full_backward_hook: `hook(module, gradInput, gradOutput)` once the gradients
   * with respect to the module's tensor inputs are known; it may return replacements for gradInput
   * (for a module with one input that needs a gradient).
   */
  registerFullBackwardHook(hook: BackwardHook<this>): RemovableHandle {
    return this.addHook(this.backwardHooks, hook as unknown as BackwardHook<Module>);
  }

  /** PyTorch's register_full_backward_pre_hook: `hook(module, gradOutput)` before the module's backward; it may replace gradOutput. */
  registerFullBackwardPreHook(hook: BackwardPreHook<this>): RemovableHandle {
    return this.addHook(this.backwardPreHooks, hook as unknown as BackwardPreHook<Module>);
  }

  /**
   * Modules are called through `forward` itself (TypeScript has no `__call__`), so while hooks are
   * registered this instance's `forward` is an own property wrapping the class's method.
   */
  private addHook<H>(list: H[], hook: H): RemovableHandle {
    list.push(hook);
    this.wrapForward();
    return new RemovableHandle(() => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
      if (!this.preHooks.length && !this.postHooks.length && !this.backwardHooks.length && !this.backwardPreHooks.length) delete (this as { forward?: unknown }).forward;
    });
  }

  private wrapForward(): void {
    if (Object.prototype.hasOwnProperty.call(this, "forward")) return;
    const original = Object.getPrototypeOf(this).forward as (...args: In) => Out;
    const hooked = (...args: In): Out => {
      for (const pre of [...this.preHooks]) args = (pre(this, args) as In | undefined) ?? args;
      let out = withBackwardHooks<Module>(this, args, (a) => original.apply(this, a as In), this.backwardHooks, this.backwardPreHooks) as Out;
      for (const post of [...this.postHooks]) {
        const replaced = post(this, args, out) as Out | undefined;
        if (replaced !== undefined) out = replaced;
      }
      return out;
    };
    Object.defineProperty(this, "forward", { value: hooked, configurable: true, writable: true, enumerable: false });
  }

  // ---- traversal ------------------------------------------------------------------------------

  *namedChildren(): Generator<[string, Module]> {
    this.discover();
    for (const [name, m] of this.mods) if (m) yield [name, m];
  }

  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  *namedModules(prefix = "", seen = new Set<Module>()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${name}` : name, seen);
  }

  /** The submodule at a dotted path, as PyTorch's get_submodule ("" is this module). */
  getSubmodule(target: string): Module {
    let m: Module = this;
    for (const part of target ? target.split(".") : []) {
      const child = [...m.namedChildren()].find(([name]) => name === part)?.[1];
      if (!child) throw new TensorgradError(`getSubmodule: ${m.constructor.name} has no submodule '${part}' (in '${target}')`);
      m = child;
    }
    return m;
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Parameters with dotted names (`features.0.weight`); a shared parameter is listed once. */
  *namedParameters(prefix = "", recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const modules: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modPrefix, m] of modules) {
      m.discover();
      for (const [name, p] of m.params) {
        if (!p || seen.has(p)) continue;
        seen.add(p);
        yield [modPrefix ? `${modPrefix}.${name}` : name, p];
      }
    }
  }

  parameters(recurse = true): Parameter[] {
    return [...this.namedParameters("", recurse)].map(([, p]) => p);
  }

  *namedBuffers(prefix = "", recurse = true): Generator<[string, Tensor]> {
    const modules: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modPrefix, m] of modules) {
      for (const [name, b] of m.bufs) if (b) yield [modPrefix ? `${modPrefix}.${name}` : name, b];
    }
  }

  buffers(recurse = true): Tensor[] {
    return [...this.namedBuffers("", recurse)].map(([, b]) => b);
  }

  // ---- dtype conversion -----------------------------------------------------------------------

  /**
   * PyTorch's `module.to(...)`: a dtype casts every floating parameter and buffer
   * (`model.to("float64")`), a device name moves them all (`model.to("cpu")`, `model.to("js")`).
   * Each becomes a new Parameter (shared ones stay shared), so create the optimizer afterwards.
   */
  to(target: DType | (string & {})): this {
    if ((DTYPES as readonly string[]).includes(target)) {
      const dtype = target as DType;
      if (!isFloating(dtype)) throw new DTypeError(`${this.constructor.name}.to: a module converts to a floating dtype (float32, float64), got ${dtype}`);
      return this.remap((t) => (isFloating(t.dtype) && t.dtype !== dtype ? t.to(dtype) : null));
    }
    const backend = deviceBackend(target, `${this.constructor.name}.to`);
    return this.remap((t) => (t.backend !== backend ? t.toBackend(backend) : null));
  }

  /** Replaces each parameter and buffer for which `convert` gives a new tensor (null: keep it). */
  private remap(convert: (t: Tensor) => Tensor | null): this {
    const replaced = new Map<Tensor, Tensor>();
    const swap = <T extends Tensor>(t: T, make: (t: Tensor) => T): T => {
      let out = replaced.get(t) as T | undefined;
      if (!out) {
        const next = noGrad(() => convert(t));
        if (!next) return t;
        replaced.set(t, (out = make(next)));
      }
      return out;
    };
    for (const m of this.modules()) {
      m.discover();
      for (const [name, p] of m.params) if (p) m.params.set(name, swap(p, (t) => new Parameter(t, p.requiresGrad)));
      for (const [name, b] of m.bufs) if (b) m.bufs.set(name, swap(b, (t) => t));
      // Layers read their tensors from fields too (this.weight): point those at the new ones.
      const fields = m as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(m)) {
        const now = replaced.get(value as Tensor);
        if (now) fields[key] = now;
      }
    }
    return this;
  }

  /** `to("float64")`. */
  double(): this {
    return this.to("float64");
  }

  /** `to("float32")`. */
  float(): this {
    return this.to("float32");
  }

  // ---- modes and gradients --------------------------------------------------------------------

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears gradients; by default sets them to null (PyTorch 2's set_to_none=True). */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (setToNone) releaseGrad(p);
      else noGrad(() => p.grad!.zero_());
    }
  }

  /** Calls fn on every submodule (children first) and on this module, as PyTorch's apply. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Sets requiresGrad on every parameter (PyTorch's requires_grad_). */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  // ---- state dicts ----------------------------------------------------------------------------

  /** Parameters and persistent buffers by dotted name; the tensors are detached views of the live ones. */
  stateDict(prefix = ""): StateDict {
    const out: StateDict = {};
    const visit = (m: Module, pre: string) => {
      m.discover();
      for (const [name, p] of m.params) if (p) out[pre + name] = p.detach();
      for (const [name, b] of m.bufs) if (b && !m.nonPersistent.has(name)) out[pre + name] = b.detach();
      for (const [name, child] of m.mods) if (child) visit(child, `${pre}${name}.`);
    };
    visit(this, prefix ? `${prefix}.` : "");
    return out;
  }

  /** Copies values in place. Shapes must match; with strict (default) the key sets must too. */
  loadStateDict(state: StateDict, { strict = true }: { strict?: boolean } = {}): LoadResult {
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !(k in own));
    const mismatched = Object.keys(own)
      .filter((k) => k in state && !shapesEqual(own[k]!.shape, state[k]!.shape))
      .map((k) => `${k}: checkpoint ${fmtShape(state[k]!.shape)}, model ${fmtShape(own[k]!.shape)}`);
    if (mismatched.length) {
      throw new ShapeError(`loadStateDict(${this.constructor.name}): size mismatch for ${mismatched.join("; ")}`);
    }
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      const parts = [];
      if (missingKeys.length) parts.push(`missing keys: ${missingKeys.join(", ")}`);
      if (unexpectedKeys.length) parts.push(`unexpected keys: ${unexpectedKeys.join(", ")}`);
      throw new StateDictError(`loadStateDict(${this.constructor.name}): ${parts.join("; ")}`);
    }
    noGrad(() => {
      for (const [k, t] of Object.entries(own)) if (k in state) t.copy_(state[k]!);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing -------------------------------------------------------------------------------

  /** The part inside the parentheses of this module's line, e.g. "in_features=4, out_features=2". */
  extraRepr(): string {
    return "";
  }

  toString(): string {
    const children = [...this.namedChildren()];
    const name = this.constructor.name;
    if (children.length === 0) return `${name}(${this.extraRepr()})`;
    const lines = this.extraRepr() ? [this.extraRepr()] : [];
    for (const [key, m] of children) lines.push(`(${key}): ${m.toString().replace(/\n/g, "\n  ")}`);
    return `${name}(\n  ${lines.join("\n  ")}\n)`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
