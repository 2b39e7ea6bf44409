/** Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict — children named "0", "1", … or by key. */
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../module.js";
import type { Parameter } from "../parameter.js";

/**
 * Runs its children in order; each child's output is the next one's input. Children are named
 * "0", "1", … — or by key when given as one object, as PyTorch's Sequential(OrderedDict(…)).
 */
export class Sequential extends Module<[Tensor], Tensor> {
  private readonly layers: Module[] = [];

  constructor(...layers: Module[] | [Record<string, Module>]) {
    super();
    const [first] = layers;
    if (layers.length === 1 && !(first instanceof Module)) for (const [name, layer] of Object.entries(first!)) this.append(layer, name);
    else for (const layer of layers as Module[]) this.append(layer);
  }

  append(layer: Module, name = String(this.layers.length)): this {
    this.registerModule(name, layer);
    this.layers.push(layer);
    return this;
  }

  get length(): number {
    return this.layers.length;
  }

  at(index: number): Module | undefined {
    return this.layers.at(index);
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }

  forward(input: Tensor): Tensor {
    let x = input;
    for (const layer of this.layers) x = layer.forward(x) as Tensor;
    return x;
  }
}

/** A list of modules whose parameters are registered (a plain array's would not be). */
export class ModuleList<M extends Module = Module> extends Module<never[], never> {
  private readonly items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  append(module: M): this {
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
    return this;
  }

  get length(): number {
    return this.items.length;
  }

  at(index: number): M | undefined {
    return this.items.at(index);
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  forward(): never {
    throw new Error("ModuleList has no forward(); iterate over it in your module's forward");
  }
}

/** Modules by name, registered under those names. */
export class ModuleDict<M extends Module = Module> extends Module<never[], never> {
  private readonly entries = new Map<string, M>();

  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  set(key: string, module: M): this {
    this.registerModule(key, module);
    this.entries.set(key, module);
    return this;
  }

  /** Removes an entry (PyTorch's `del d[key]`); returns whether there was one. */
  delete(key: string): boolean {
    if (!this.entries.has(key)) return false;
    this.entries.delete(key);
    this.registerModule(key, null);
    return true;
  }

  get(key: string): M | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  [Symbol.iterator](): Iterator<[string, M]> {
    return this.entries[Symbol.iterator]();
  }

  forward(): never {
    throw new Error("ModuleDict has no forward(); pick modules by key in your module's forward");
  }
}

/** A list of parameters, registered as "0", "1", … (a plain array's would not be). */
export class ParameterList extends Module<never[], never> {
  private readonly items: Parameter[] = [];

  constructor(parameters: Iterable<Parameter> = []) {
    super();
    for (const p of parameters) this.append(p);
  }

  append(parameter: Parameter): this {
    this.registerParameter(String(this.items.length), parameter);
    this.items.push(parameter);
    return this;
  }

  get length(): number {
    return this.items.length;
  }

  at(index: number): Parameter | undefined {
    return this.items.at(index);
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return this.items[Symbol.iterator]();
  }

  forward(): never {
    throw new Error("ParameterList has no forward(); use its parameters in your module's forward");
  }
}

/** Parameters by name, registered under those names. */
export class ParameterDict extends Module<never[], never> {
  private readonly entries = new Map<string, Parameter>();

  constructor(parameters: Record<string, Parameter> = {}) {
    super();
    for (const [k, p] of Object.entries(parameters)) this.set(k, p);
  }

  set(key: string, parameter: Parameter): this {
    this.registerParameter(key, parameter);
    this.entries.set(key, parameter);
    return this;
  }

  get(key: string): Parameter | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  get size(): number {
    return this.entries.size;
  }

  forward(): never {
    throw new Error("ParameterDict has no forward(); use its parameters in your module's forward");
  }
}
