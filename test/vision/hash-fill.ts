import * as tg from "../../src/index.js";

/** tools/hash_fill.py's uniform, fill and image: the weights and inputs of the vision parity fixtures. */
function uniform(key: string, i: number): number {
  let h = 0;
  for (let c = 0; c < key.length; c++) h = (h + key.charCodeAt(c) * (c + 1)) % 100003;
  let x = (i + h * 7919) >>> 0;
  for (let r = 0; r < 2; r++) x = Math.imul((x ^ (x >>> 16)) >>> 0, 0x45d9f3b) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}

export function fill(key: string, shape: readonly number[]): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = 2 * uniform(key, i) - 1;
    out[i] = key.endsWith("running_var")
      ? 1 + 0.5 * s * s
      : key.endsWith("running_mean")
        ? 0.1 * s
        : shape.length >= 2
          ? s * Math.sqrt(3 / (n / shape[0]!))
          : key.endsWith("weight")
            ? 1 + 0.1 * s
            : 0.1 * s;
  }
  return tg.tensor(out, { shape: [...shape] });
}

export function image(shape: readonly number[]): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tg.tensor(Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.11)), { shape: [...shape] });
}
