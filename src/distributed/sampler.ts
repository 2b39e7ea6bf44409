/**
 * DistributedSampler (torch.utils.data.distributed.DistributedSampler): each rank's share of a
 * dataset's indices, for `new DataLoader(dataset, {sampler})`. Every rank draws the same
 * permutation (seeded with seed + epoch: call setEpoch each epoch for a new order), pads it by
 * repeating its start to a multiple of the ranks (or drops the tail with dropLast), and takes
 * every numReplicas-th index from its rank on.
 */
import { ValueError } from "../core/errors.js";
import { Generator } from "../core/rng.js";
import { getRank, getWorldSize } from "./process-group.js";

export interface DistributedSamplerOptions {
  /** Ranks sharing the data (default: the world's size). */
  numReplicas?: number;
  /** This rank (default: the world's rank). */
  rank?: number;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
}

export class DistributedSampler implements Iterable<number> {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Indices this rank yields per epoch. */
  readonly numSamples: number;
  readonly totalSize: number;
  private epoch = 0;

  constructor(
    readonly dataset: { readonly length: number },
    { numReplicas, rank, shuffle = true, seed = 0, dropLast = false }: DistributedSamplerOptions = {},
  ) {
    this.numReplicas = numReplicas ?? getWorldSize();
    this.rank = rank ?? getRank();
    if (!Number.isInteger(this.numReplicas) || this.numReplicas < 1) throw new ValueError(`DistributedSampler: numReplicas must be a positive integer, got ${this.numReplicas}`);
    if (!Number.isInteger(this.rank) || this.rank < 0 || this.rank >= this.numReplicas) {
      throw new ValueError(`DistributedSampler: invalid rank ${this.rank}, rank should be in the interval [0, ${this.numReplicas - 1}]`);
    }
    [this.shuffle, this.seed, this.dropLast] = [shuffle, seed, dropLast];
    const n = dataset.length;
    this.numSamples = dropLast && n % this.numReplicas !== 0 ? Math.ceil((n - this.numReplicas) / this.numReplicas) : Math.ceil(n / this.numReplicas);
    this.totalSize = this.numSamples * this.numReplicas;
  }

  get length(): number {
    return this.numSamples;
  }

  /** The epoch whose permutation the next iteration draws (the same on every rank). */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataset.length;
    let indices = this.shuffle ? Array.from(new Generator(this.seed + this.epoch).permutation(n)) : Array.from({ length: n }, (_, i) => i);
    if (this.dropLast) indices = indices.slice(0, this.totalSize);
    else while (indices.length < this.totalSize && n > 0) indices = indices.concat(indices.slice(0, this.totalSize - indices.length));
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) yield indices[i]!;
  }
}
