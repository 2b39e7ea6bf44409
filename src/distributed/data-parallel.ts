/**
 * DataParallel: Keras 3's keras.distribution.DataParallel for `model.fit(x, y, {distribution})`
 * over tg.distributed — rank 0's weights everywhere, each rank training on its share of the data
 * (a DistributedSampler), gradients averaged before every optimizer step and the epoch's logs
 * averaged over the ranks.
 */
import type { Tensor } from "../ops/tensor.js";
import type { Distribution } from "../keras/distribution.js";
import type { Logs } from "../keras/callbacks.js";
import { tensor } from "../ops/creation.js";
import { KIND, REDUCE } from "./binding.js";
import { allReduce, broadcast } from "./collectives.js";
import { flatOffsets, packGradients, writeMeans } from "./gradients.js";
import { defaultGroup, type ProcessGroup } from "./process-group.js";
import { DistributedSampler } from "./sampler.js";

export class DataParallel implements Distribution {
  readonly group: ProcessGroup;
  private readonly seed: number;

  constructor({ group, seed = 0 }: { group?: ProcessGroup; seed?: number } = {}) {
    this.group = group ?? defaultGroup("DataParallel");
    this.seed = seed;
  }

  prepare(weights: readonly Tensor[]): void {
    for (const w of weights) broadcast(w, 0, { group: this.group });
  }

  sampler(dataset: { readonly length: number }, shuffle: boolean): DistributedSampler {
    return new DistributedSampler(dataset, { numReplicas: this.group.size, rank: this.group.rank, shuffle, seed: this.seed });
  }

  /** One all-reduce of every gradient, packed into one buffer, then the mean written into each .grad. */
  reduceGradients(weights: readonly Tensor[]): void {
    const { mpi, handle, size } = this.group;
    if (!mpi || size === 1) return;
    const { offsets, length } = flatOffsets(weights);
    const flat = new Float32Array(length);
    packGradients(weights, offsets, flat);
    mpi.run(false, KIND.allreduce, handle, null, flat, REDUCE.sum, 0, 0);
    writeMeans(weights, offsets, flat, size);
  }

  reduceLogs(logs: Logs): Logs {
    const keys = Object.keys(logs);
    const values = tensor(keys.map((k) => logs[k]!), { dtype: "float64" });
    allReduce(values, { op: "avg", group: this.group });
    const mean = values.tolist() as number[];
    return Object.fromEntries(keys.map((k, i) => [k, mean[i]!]));
  }
}
