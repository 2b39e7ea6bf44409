/** Keras' sequence utilities: padSequences and toCategorical. */
import { ValueError } from "../../base/errors.js";
import type { DType } from "../../base/dtype.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";

export interface PadOptions {
  /** Length of every output row (default: the longest sequence). */
  maxlen?: number;
  /** Pad at the start ("pre", Keras' default) or the end. */
  padding?: "pre" | "post";
  /** Drop from the start ("pre", Keras' default) or the end when too long. */
  truncating?: "pre" | "post";
  value?: number;
  dtype?: DType;
}

/** Sequences of numbers → a [N, maxlen] tensor, with Keras' pad_sequences semantics. */
export function padSequences(sequences: readonly (readonly number[])[], { maxlen, padding = "pre", truncating = "pre", value = 0, dtype = "int32" }: PadOptions = {}): Tensor {
  if (padding !== "pre" && padding !== "post") throw new ValueError(`padSequences: padding must be 'pre' or 'post', got '${String(padding)}'`);
  if (truncating !== "pre" && truncating !== "post") throw new ValueError(`padSequences: truncating must be 'pre' or 'post', got '${String(truncating)}'`);
  const len = maxlen ?? Math.max(0, ...sequences.map((s) => s.length));
  const out = new Float64Array(sequences.length * len).fill(value);
  sequences.forEach((seq, i) => {
    const kept = seq.length <= len ? seq : truncating === "pre" ? seq.slice(seq.length - len) : seq.slice(0, len);
    const start = padding === "pre" ? len - kept.length : 0;
    kept.forEach((v, j) => (out[i * len + start + j] = v));
  });
  return tensor(out, { shape: [sequences.length, len], dtype });
}

/** Class indices → float32 one-hot rows (keras.utils.to_categorical). */
export function toCategorical(labels: Tensor | readonly number[], numClasses?: number): Tensor {
  const ys = Array.isArray(labels) ? labels : Array.from((labels as Tensor).dataSync());
  const n = numClasses ?? Math.max(-1, ...ys) + 1;
  const out = new Float32Array(ys.length * n);
  ys.forEach((y, i) => {
    if (!Number.isInteger(y) || y < 0 || y >= n) throw new ValueError(`toCategorical: label ${y} is out of range for ${n} classes`);
    out[i * n + y] = 1;
  });
  const shape = Array.isArray(labels) ? [ys.length, n] : [...(labels as Tensor).shape, n];
  return tensor(out, { shape });
}
