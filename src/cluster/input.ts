/** What estimators accept: a tensor or nested number arrays, as scikit-learn accepts array-likes. */
import { DeviceError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";

export type ArrayLike2D = Tensor | readonly (readonly number[])[];
export type Labels = Tensor | ArrayLike<number>;

/** A float32 [n, d] tensor with no NaN or infinity (a ValueError naming the row otherwise). */
export function asMatrix(x: ArrayLike2D, op: string, minRows = 1): Tensor {
  const t = x instanceof Tensor ? (x.dtype === "float32" ? x : x.float()) : tensor(x as number[][]);
  if (t.ndim !== 2) throw new ShapeError(`${op}: expected a 2-D array [samples, features], got shape ${fmtShape(t.shape)}`);
  if (t.shape[0]! < minRows) throw new ValueError(`${op}: needs at least ${minRows} sample${minRows > 1 ? "s" : ""}, got ${t.shape[0]}`);
  if (t.backend.read) throw new DeviceError(`${op}: the estimators run on the CPU backends (their loops read the data, as scikit-learn's do), but the data is on '${t.backend.name}'; move it with await x.toAsync("cpu")`);
  // One reduction on the engine; the rows are read back only to name a NaN or infinity.
  if (Number.isFinite(t.sum().item())) return t.contiguous();
  const data = t.dataSync();
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new ValueError(`${op}: input contains ${Number.isNaN(data[i]) ? "NaN" : "infinity"} (row ${Math.floor(i / t.shape[1]!)}, column ${i % t.shape[1]!})`);
  }
  return t.contiguous();
}

/** Labels as a plain array of integers. */
export function asLabels(labels: Labels, op: string, what = "labels"): Int32Array {
  const values = labels instanceof Tensor ? labels.dataSync() : labels;
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) throw new ValueError(`${op}: ${what} must be integers, got ${v} at ${i}`);
    out[i] = v;
  }
  return out;
}

/** Sample weights as float64 (all 1 when none are given): finite, non-negative, one per sample. */
export function sampleWeights(sampleWeight: ArrayLike<number> | null | undefined, n: number, op: string): Float64Array {
  const w = Float64Array.from(sampleWeight ?? new Float64Array(n).fill(1));
  if (w.length !== n) throw new ValueError(`${op}: ${w.length} sample weights for ${n} samples`);
  if (w.some((v) => !(v >= 0) || !Number.isFinite(v))) throw new ValueError(`${op}: sample weights must be finite and non-negative`);
  return w;
}
