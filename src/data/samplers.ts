/**
 * torch.utils.data's samplers: the order (or multiset) of indices a DataLoader reads in one epoch,
 * given as `new DataLoader(dataset, {sampler})`, or whole batches of indices as `{batchSampler}`.
 * Each is an iterable of indices with a length; every epoch's iteration draws anew from its
 * seeded generator.
 */
import { ValueError } from "../base/errors.js";
import { defaultGenerator, Generator } from "../base/rng.js";

/** The base of the samplers: indices in some order, `length` of them per epoch. */
export abstract class Sampler implements Iterable<number> {
  abstract get length(): number;
  abstract [Symbol.iterator](): Iterator<number>;
}

/** 0, 1, …, n − 1. */
export class SequentialSampler extends Sampler {
  constructor(readonly dataSource: { readonly length: number }) {
    super();
  }
  get length(): number {
    return this.dataSource.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.dataSource.length; i++) yield i;
  }
}

function checkCount(name: string, what: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new ValueError(`${name}: ${what} must be a positive integer, got ${n}`);
}

/**
 * A random order of the indices (a new permutation per pass, as many passes as numSamples needs),
 * or numSamples indices drawn with replacement.
 */
export class RandomSampler extends Sampler {
  readonly replacement: boolean;
  readonly numSamples: number;
  private readonly generator: Generator;

  constructor(
    readonly dataSource: { readonly length: number },
    { replacement = false, numSamples, generator = defaultGenerator }: { replacement?: boolean; numSamples?: number; generator?: Generator } = {},
  ) {
    super();
    this.replacement = replacement;
    this.numSamples = numSamples ?? dataSource.length;
    this.generator = generator;
    checkCount("RandomSampler", "numSamples", this.numSamples);
  }
  get length(): number {
    return this.numSamples;
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    if (this.replacement) {
      for (let i = 0; i < this.numSamples; i++) yield this.generator.randomInt(n);
      return;
    }
    for (let left = this.numSamples; left > 0; left -= n) {
      const order = this.generator.permutation(n);
      for (let i = 0; i < Math.min(n, left); i++) yield order[i]!;
    }
  }
}

/** The given indices in a random order. */
export class SubsetRandomSampler extends Sampler {
  readonly indices: number[];
  constructor(indices: Iterable<number>, private readonly generator: Generator = defaultGenerator) {
    super();
    this.indices = [...indices];
  }
  get length(): number {
    return this.indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const i of this.generator.permutation(this.indices.length)) yield this.indices[i]!;
  }
}

/**
 * numSamples indices drawn with probability proportional to their weights (torch.multinomial):
 * with replacement by inverting the cumulative weights, without by Gumbel top-k (the same law as
 * drawing one at a time and removing it).
 */
export class WeightedRandomSampler extends Sampler {
  readonly weights: number[];
  private readonly cumulative: number[];

  constructor(
    weights: Iterable<number> | ArrayLike<number>,
    readonly numSamples: number,
    readonly replacement = true,
    private readonly generator: Generator = defaultGenerator,
  ) {
    super();
    this.weights = Array.from(weights as ArrayLike<number>);
    checkCount("WeightedRandomSampler", "numSamples", numSamples);
    if (this.weights.length === 0 || this.weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
      throw new ValueError("WeightedRandomSampler: weights must be a non-empty list of finite, non-negative numbers");
    }
    const positive = this.weights.filter((w) => w > 0).length;
    if (positive === 0) throw new ValueError("WeightedRandomSampler: the weights sum to 0");
    if (!replacement && numSamples > positive) throw new ValueError(`WeightedRandomSampler: cannot draw ${numSamples} samples without replacement from ${positive} with positive weight`);
    let total = 0;
    this.cumulative = this.weights.map((w) => (total += w));
  }
  get length(): number {
    return this.numSamples;
  }
  *[Symbol.iterator](): Iterator<number> {
    const total = this.cumulative[this.cumulative.length - 1]!;
    if (this.replacement) {
      for (let k = 0; k < this.numSamples; k++) {
        const u = this.generator.random() * total;
        let [lo, hi] = [0, this.cumulative.length - 1];
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.cumulative[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        yield lo;
      }
      return;
    }
    const keys = this.weights.map((w, i) => [w > 0 ? Math.log(w) - Math.log(-Math.log(1 - this.generator.random())) : -Infinity, i] as const);
    keys.sort((a, b) => b[0] - a[0]);
    for (let k = 0; k < this.numSamples; k++) yield keys[k]![1];
  }
}

/** Groups another sampler's indices into batches of batchSize (the last one shorter unless dropLast). */
export class BatchSampler implements Iterable<number[]> {
  constructor(
    readonly sampler: Iterable<number> & { readonly length: number },
    readonly batchSize: number,
    readonly dropLast = false,
  ) {
    checkCount("BatchSampler", "batchSize", batchSize);
  }
  get length(): number {
    const n = this.sampler.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}

export interface DistributedSamplerOptions {
  /** How many processes share the dataset (tg.distributed's subclass defaults it to the world size). */
  numReplicas: number;
  /** This process's rank in [0, numReplicas). */
  rank: number;
  shuffle?: boolean;
  /** The shuffle's seed; the same on every rank, so the ranks' shares never overlap. */
  seed?: number;
  /** Drop the tail that does not divide evenly; else repeat indices from the start to even it out. */
  dropLast?: boolean;
}

/**
 * This rank's share of the indices (torch.utils.data.DistributedSampler): every rank sees a
 * disjoint, equally long slice — the i-th of every numReplicas indices — of one order, a
 * permutation from seed + epoch when shuffling. Call setEpoch(epoch) before each epoch for a new order.
 */
export class DistributedSampler extends Sampler {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly numSamples: number;
  readonly totalSize: number;
  epoch = 0;

  constructor(readonly dataSource: { readonly length: number }, { numReplicas, rank, shuffle = true, seed = 0, dropLast = false }: DistributedSamplerOptions) {
    super();
    checkCount("DistributedSampler", "numReplicas", numReplicas);
    if (!(Number.isInteger(rank) && rank >= 0 && rank < numReplicas)) throw new ValueError(`DistributedSampler: invalid rank ${rank}, rank should be in the interval [0, ${numReplicas - 1}]`);
    this.numReplicas = numReplicas;
    this.rank = rank;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
    const n = dataSource.length;
    this.numSamples = dropLast && n % numReplicas !== 0 ? Math.ceil((n - numReplicas) / numReplicas) : Math.ceil(n / numReplicas);
    this.totalSize = this.numSamples * numReplicas;
  }

  /** The epoch whose order the next pass uses (the same on every rank). */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    let indices = this.shuffle ? Array.from(new Generator(this.seed + this.epoch).permutation(n)) : Array.from({ length: n }, (_, i) => i);
    if (!this.dropLast) {
      const padding = this.totalSize - indices.length;
      for (let i = 0; i < padding && n > 0; i++) indices.push(indices[i % n]!);
    } else indices = indices.slice(0, this.totalSize);
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) yield indices[i]!;
  }
}
