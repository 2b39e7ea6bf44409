/**
 * How `fit` spreads training over processes (Keras 3's `keras.distribution`): the interface fit
 * calls at its seams. `tg.distributed.DataParallel` implements it over MPI; keras itself knows
 * nothing of processes.
 */
import type { Tensor } from "../ops/tensor.js";
import type { Logs } from "./callbacks.js";

/** This process's indices of a dataset for one epoch (tg.distributed.DistributedSampler). */
export interface DistributionSampler extends Iterable<number> {
  readonly length: number;
  setEpoch(epoch: number): void;
}

export interface Distribution {
  /** Once, before the first step, with the trainable weights: make them equal on every process. */
  prepare(weights: readonly Tensor[]): void;
  /** This process's share of fit's (x, y) arrays, the same permutation on every process. */
  sampler(dataset: { readonly length: number }, shuffle: boolean): DistributionSampler;
  /** After backward, before the optimizer step: turn each process's gradients into the whole batch's. */
  reduceGradients(weights: readonly Tensor[]): void;
  /** An epoch's logs, combined over the processes (each process saw part of the data). */
  reduceLogs(logs: Logs): Logs;
}
