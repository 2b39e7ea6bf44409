/** The default collate: stacks a list of samples into a batch, recursing through arrays and objects. */
import { ValueError } from "../base/errors.js";
import { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { stack } from "../ops/movement.js";

/** The type of a batch defaultCollate makes from samples of type T (so loops need no cast). */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : unknown;

/**
 * Tensors stack on a new first dim; numbers become a tensor (int32 when all are integers, else
 * float32); booleans a bool tensor; strings stay a string array; arrays and objects collate each
 * position or key (so [image, label] samples give [images, labels]).
 */
export function defaultCollate(samples: readonly unknown[]): unknown {
  const first = samples[0];
  if (samples.length === 0) throw new ValueError("collate: empty batch");
  if (first instanceof Tensor) return stack(samples as Tensor[], 0);
  if (typeof first === "number") {
    const nums = samples as number[];
    return tensor(nums, { dtype: nums.every(Number.isInteger) ? "int32" : "float32" });
  }
  if (typeof first === "boolean") return tensor(samples as boolean[]);
  if (typeof first === "string") return [...samples];
  if (Array.isArray(first)) {
    const n = first.length;
    if (!samples.every((s) => Array.isArray(s) && s.length === n)) throw new ValueError("collate: samples are arrays of different lengths");
    return first.map((_, i) => defaultCollate(samples.map((s) => (s as unknown[])[i])));
  }
  if (first && typeof first === "object") {
    return Object.fromEntries(Object.keys(first).map((k) => [k, defaultCollate(samples.map((s) => (s as Record<string, unknown>)[k]))]));
  }
  throw new ValueError(`collate: cannot batch samples of type ${typeof first}`);
}

/**
 * What a DataLoader does to samples when it is not batching (torch's default_convert): typed arrays
 * become tensors, arrays and plain objects are converted element by element, and everything else
 * (tensors, numbers, strings) is left as it is.
 */
export function defaultConvert(data: unknown): unknown {
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return tensor(data as Float32Array);
  if (Array.isArray(data)) return data.map(defaultConvert);
  if (data !== null && typeof data === "object" && Object.getPrototypeOf(data) === Object.prototype) {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, defaultConvert(v)]));
  }
  return data;
}

/**
 * The loading worker's id, count, seed and dataset inside a worker, null in the main process
 * (torch's get_worker_info). tensorgrad's DataLoader reads in the calling thread (asynchronous
 * datasets overlap through prefetching), so it is always null: per-worker sharding of an
 * IterableDataset needs no special case.
 */
export function getWorkerInfo(): null {
  return null;
}
