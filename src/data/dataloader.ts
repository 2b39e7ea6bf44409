/**
 * DataLoader: batches of a dataset, optionally shuffled (seeded, a new order each epoch), with the
 * default or a custom collate. `for (const batch of loader)` for synchronous datasets;
 * `for await (const batch of loader)` also works for asynchronous ones and prefetches the next
 * batches, so that reading overlaps the training step.
 */
import { checkOptions, type OptionKind } from "../base/options.js";
import { scope } from "../base/scope.js";
import { ValueError } from "../base/errors.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import { defaultCollate, type Collated } from "./collate.js";
import { IterableDataset, TensorDataset, randomPermutation, type Dataset } from "./dataset.js";

export interface DataLoaderOptions<T, B> {
  batchSize?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  collateFn?: (samples: T[]) => B;
  generator?: Generator;
  /** The indices of one epoch, in order (a tg.data sampler, tg.distributed.DistributedSampler); instead of shuffle. */
  sampler?: Iterable<number> & { readonly length: number };
  /** Whole batches of indices (a BatchSampler); instead of batchSize, shuffle, sampler and dropLast. */
  batchSampler?: Iterable<number[]> & { readonly length: number };
  /** Batches prepared ahead by the async iterator (default 2). */
  prefetch?: number;
}

/** Batches of B: by default what defaultCollate makes of T (`for (const [x, y] of loader)` is typed). */
export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly prefetch: number;
  private readonly collate: (samples: T[]) => B;
  /** A TensorDataset with the default collate: a batch is one gather per tensor, not a stack of rows. */
  private readonly gathersRows: boolean;
  private readonly generator: Generator;
  private readonly sampler: (Iterable<number> & { readonly length: number }) | null;
  private readonly batchSampler: (Iterable<number[]> & { readonly length: number }) | null;

  constructor(
    readonly dataset: Dataset<T> | IterableDataset<T>,
    options: DataLoaderOptions<T, B> = {},
  ) {
    checkOptions("DataLoader", options, { batchSize: "integer", shuffle: "boolean", dropLast: "boolean", collateFn: "function", generator: "object", sampler: "object", batchSampler: "object", prefetch: "integer" } satisfies {
      [K in keyof Required<DataLoaderOptions<T, B>>]: OptionKind;
    });
    const { batchSize = 1, shuffle = false, dropLast = false, collateFn, generator = defaultGenerator, sampler, batchSampler, prefetch = 2 } = options;
    if (sampler && shuffle) throw new ValueError("DataLoader: sampler option is mutually exclusive with shuffle");
    if (batchSampler && (options.batchSize !== undefined || shuffle || sampler || dropLast)) {
      throw new ValueError("DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast");
    }
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (dataset instanceof IterableDataset && shuffle) throw new ValueError("DataLoader: an IterableDataset cannot be shuffled (it has no indices); shuffle inside it");
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.prefetch = Math.max(1, prefetch);
    this.collate = collateFn ?? ((s) => defaultCollate(s) as B);
    this.gathersRows = !collateFn && dataset instanceof TensorDataset;
    this.generator = generator;
    this.sampler = sampler ?? null;
    this.batchSampler = batchSampler ?? null;
  }

  private get mapStyle(): Dataset<T> {
    if (this.dataset instanceof IterableDataset) throw new ValueError("DataLoader: an IterableDataset has no length or indices; iterate with for await");
    return this.dataset;
  }

  /** Number of batches per epoch. */
  get length(): number {
    if (this.batchSampler) return this.batchSampler.length;
    const n = (this.sampler ? this.sampler.length : this.mapStyle.length) / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** The index lists of one epoch's batches (a fresh shuffle each call). */
  batchIndices(): number[][] {
    if (this.batchSampler) return [...this.batchSampler];
    const order = this.sampler ? [...this.sampler] : this.shuffle ? randomPermutation(this.mapStyle.length, this.generator) : Array.from({ length: this.mapStyle.length }, (_, i) => i);
    const n = order.length;
    const batches: number[][] = [];
    for (let at = 0; at < n; at += this.batchSize) {
      const b = order.slice(at, at + this.batchSize);
      if (b.length < this.batchSize && this.dropLast) break;
      batches.push(b);
    }
    return batches;
  }

  *[Symbol.iterator](): Iterator<B> {
    for (const idx of this.batchIndices()) {
      // The samples are temporaries once stacked: the scope frees them and hands on only the batch.
      if (this.dataset instanceof TensorDataset && this.gathersRows) {
        const rows = this.dataset;
        yield scope(() => rows.rows(idx) as B);
        continue;
      }
      yield scope(() => {
        const samples = idx.map((i) => this.mapStyle.get(i));
        if (samples.some((s) => s instanceof Promise)) throw new ValueError("DataLoader: the dataset is asynchronous; iterate with for await");
        return this.collate(samples as T[]);
      });
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.dataset instanceof IterableDataset) {
      yield* this.streamBatches(this.dataset);
      return;
    }
    const dataset = this.dataset;
    const batches = this.batchIndices();
    const load = async (idx: number[]) => this.collate(await Promise.all(idx.map((i) => dataset.get(i))));
    const pending: Promise<B>[] = [];
    let next = 0;
    while (next < batches.length && pending.length < this.prefetch) pending.push(load(batches[next++]!));
    while (pending.length) {
      const batch = await pending.shift()!;
      if (next < batches.length) pending.push(load(batches[next++]!));
      yield batch;
    }
  }

  /** Groups a stream's items into batches as they arrive. */
  private async *streamBatches(stream: IterableDataset<T>): AsyncGenerator<B> {
    let batch: T[] = [];
    for await (const item of stream) {
      batch.push(item);
      if (batch.length === this.batchSize) {
        yield this.collate(batch);
        batch = [];
      }
    }
    if (batch.length && !this.dropLast) yield this.collate(batch);
  }
}
