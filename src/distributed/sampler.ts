/**
 * tg.distributed.DistributedSampler: tg.data.DistributedSampler (each rank's disjoint share of a
 * dataset's indices) with numReplicas and rank defaulting to the initialised world's, as PyTorch's.
 */
import { DistributedSampler as DataDistributedSampler, type DistributedSamplerOptions as DataOptions } from "../data/samplers.js";
import { getRank, getWorldSize } from "./process-group.js";

export type DistributedSamplerOptions = Omit<DataOptions, "numReplicas" | "rank"> & { numReplicas?: number; rank?: number };

export class DistributedSampler extends DataDistributedSampler {
  constructor(dataset: { readonly length: number }, { numReplicas, rank, ...rest }: DistributedSamplerOptions = {}) {
    super(dataset, { numReplicas: numReplicas ?? getWorldSize(), rank: rank ?? getRank(), ...rest });
  }

  /** The dataset (PyTorch's attribute name). */
  get dataset(): { readonly length: number } {
    return this.dataSource;
  }
}
