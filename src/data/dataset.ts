/**
 * Datasets, PyTorch-style: a map-style Dataset has a length and items by index; an IterableDataset
 * only yields items. TensorDataset, Subset, ConcatDataset and randomSplit compose them.
 */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import type { Tensor } from "../ops/tensor.js";
import type { Backend } from "../backend/backend.js";
import { tensor } from "../ops/creation.js";

export abstract class Dataset<T> {
  abstract get length(): number;
  /** The item at index i (0 ≤ i < length); may return a promise for datasets that read lazily. */
  abstract get(index: number): T | Promise<T>;

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) {
      const item = this.get(i);
      if (item instanceof Promise) throw new ValueError(`${this.constructor.name}: items are asynchronous; iterate with for await`);
      yield item;
    }
  }

  protected checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new ValueError(`${this.constructor.name}: index ${index} is out of range for a dataset of ${this.length} items`);
    }
  }
}

/** A stream of items without random access (a generator, a file read line by line, …). */
export abstract class IterableDataset<T> {
  abstract [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** Rows of tensors that share their first dim: item i is [t0[i], t1[i], …]. */
/** Samples are the i-th rows of each tensor: `new TensorDataset(x, y)` yields [x[i], y[i]]. */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T> {
  readonly tensors: T;

  constructor(...tensors: T) {
    super();
    const n = tensors[0]?.shape[0];
    if (n === undefined) throw new ValueError("TensorDataset: needs at least one tensor with a first dim");
    for (const t of tensors) {
      if (t.shape[0] !== n) throw new ShapeError(`TensorDataset: size mismatch between tensors: ${tensors.map((x) => fmtShape(x.shape)).join(", ")}`);
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  get(index: number): T {
    this.checkIndex(index);
    return this.tensors.map((t) => t.select(0, index)) as T;
  }

  /** The rows at these indices, stacked: what the default collate makes of get(i) for each, in one gather per tensor. */
  rows(indices: readonly number[]): T {
    for (const i of indices) this.checkIndex(i);
    const ids = new Map<Backend, Tensor>();
    return this.tensors.map((t) => {
      let at = ids.get(t.backend);
      if (!at) ids.set(t.backend, (at = tensor(indices as number[], { dtype: "int32", device: t.backend })));
      return t.indexSelect(0, at);
    }) as T;
  }
}

export class Subset<T> extends Dataset<T> {
  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: readonly number[],
  ) {
    super();
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T | Promise<T> {
    this.checkIndex(index);
    return this.dataset.get(this.indices[index]!);
  }
}

export class ConcatDataset<T> extends Dataset<T> {
  private readonly ends: number[];

  constructor(readonly datasets: readonly Dataset<T>[]) {
    super();
    let total = 0;
    this.ends = datasets.map((d) => (total += d.length));
  }

  get length(): number {
    return this.ends[this.ends.length - 1] ?? 0;
  }

  get(index: number): T | Promise<T> {
    this.checkIndex(index);
    const which = this.ends.findIndex((end) => index < end);
    const start = which === 0 ? 0 : this.ends[which - 1]!;
    return this.datasets[which]!.get(index - start);
  }
}

/** A seeded random permutation of 0…n−1 (Fisher–Yates). */
export function randomPermutation(n: number, generator: Generator = defaultGenerator): number[] {
  return Array.from(generator.permutation(n));
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths, or of the given
 * fractions (remainders go round-robin to the first subsets, as torch.utils.data.random_split).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  const n = dataset.length;
  let sizes = [...lengths];
  const fractions = sizes.every((x) => x >= 0 && x <= 1) && Math.abs(sizes.reduce((a, b) => a + b, 0) - 1) < 1e-9 && sizes.some((x) => x < 1);
  if (fractions) {
    sizes = lengths.map((f) => Math.floor(n * f));
    let rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i]!++;
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new ValueError(`randomSplit: lengths [${lengths.join(", ")}] do not add up to the dataset's ${n} items`);
  }
  const perm = randomPermutation(n, generator);
  let at = 0;
  return sizes.map((len) => new Subset(dataset, perm.slice(at, (at += len))));
}

/** Iterable datasets one after another (torch.utils.data.ChainDataset). */
export class ChainDataset<T> extends IterableDataset<T> {
  constructor(readonly datasets: readonly IterableDataset<T>[]) {
    super();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const d of this.datasets) yield* d;
  }
}

/**
 * The i-th samples of several datasets of one length together: a tuple for positional datasets, an
 * object for named ones (torch.utils.data.StackDataset).
 */
export class StackDataset<T> extends Dataset<T> {
  private readonly parts: [string | number, Dataset<unknown>][];
  private readonly named: boolean;

  constructor(...datasets: Dataset<unknown>[] | [Record<string, Dataset<unknown>>]) {
    super();
    const first = datasets[0];
    this.named = datasets.length === 1 && !(first instanceof Dataset);
    this.parts = this.named ? Object.entries(first as Record<string, Dataset<unknown>>) : (datasets as Dataset<unknown>[]).map((d, i) => [i, d]);
    if (this.parts.length === 0) throw new ValueError("StackDataset: give at least one dataset");
    const n = this.parts[0]![1].length;
    const other = this.parts.find(([, d]) => d.length !== n);
    if (other) throw new ValueError(`StackDataset: every dataset must have the same length; ${String(this.parts[0]![0])} has ${n}, ${String(other[0])} has ${other[1].length}`);
  }
  get length(): number {
    return this.parts[0]![1].length;
  }
  get(index: number): T | Promise<T> {
    const items = this.parts.map(([, d]) => d.get(index));
    const build = (values: unknown[]) => (this.named ? Object.fromEntries(this.parts.map(([k], i) => [k, values[i]])) : values) as T;
    return items.some((x) => x instanceof Promise) ? Promise.all(items).then(build) : build(items);
  }
}
