/**
 * `keras.datasets`: `mnist`, `fashionMnist` and `imdb` with Keras' `loadData()` shape —
 * `[[xTrain, yTrain], [xTest, yTest]]`. Nothing is downloaded: MNIST reads IDX files from a folder
 * you name, or the digits embedded in the package; Fashion-MNIST reads Debian's
 * dataset-fashion-mnist (or a folder); IMDB reads a local `imdb.npz`.
 */
import { ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { EmbeddedMNIST } from "../data/datasets/embedded-mnist.js";
import { FashionMNIST, MNIST, type ImageClassification } from "../data/datasets/mnist.js";
import { loadImdbNpz, type ImdbNpzOptions } from "../data/datasets/imdb.js";
import { SpamAssassin } from "../data/datasets/text-corpora.js";
import { basicEnglishTokenizer } from "../data/text/tokenizer.js";

export type Split<X, Y> = [[X, Y], [X, Y]];

/** Pixels as Keras gives them: [N, H, W] with values 0…255 (int32; divide by 255 for floats), labels [N]. */
function arrays(d: ImageClassification): [Tensor, Tensor] {
  return [tensor(d.pixels, { shape: [d.length, d.height, d.width] }), tensor(d.labels)];
}

export const mnist = {
  /** `{path}`: a folder of the four MNIST IDX files; without it, the 10,000 digits the package embeds (7,996 / 2,004). */
  loadData({ path }: { path?: string } = {}): Split<Tensor, Tensor> {
    const [train, test] = path ? [new MNIST({ root: path, train: true }), new MNIST({ root: path, train: false })] : [new EmbeddedMNIST({ train: true }), new EmbeddedMNIST({ train: false })];
    return [arrays(train), arrays(test)];
  },
};

export const fashionMnist = {
  /** `{path}`: a folder of the Fashion-MNIST IDX files (default: Debian's dataset-fashion-mnist). */
  loadData({ path }: { path?: string } = {}): Split<Tensor, Tensor> {
    const opts = path ? { root: path } : {};
    return [arrays(new FashionMNIST({ ...opts, train: true })), arrays(new FashionMNIST({ ...opts, train: false }))];
  },
};

export const imdb = {
  /** Keras' imdb.load_data on a local imdb.npz: word-index sequences (ragged) and 0/1 labels. */
  loadData({ path, ...opts }: ImdbNpzOptions & { path?: string } = {}): Split<number[][], number[]> {
    if (!path) throw new ValueError("keras.datasets.imdb.loadData: give {path} of a local imdb.npz (Keras' file); nothing is downloaded");
    const r = loadImdbNpz(path, opts);
    return [[r.xTrain, r.yTrain], [r.xTest, r.yTest]];
  },
};

export interface WordIndexOptions {
  /** Keep the numWords − 1 most frequent words (indices below numWords); the rest become oovChar. */
  numWords?: number | null;
  startChar?: number;
  oovChar?: number;
  indexFrom?: number;
}

/**
 * Texts as Keras' imdb.npz holds them: each word replaced by its frequency rank in the training
 * texts (1 = most frequent) plus indexFrom, a startChar first, oovChar for rarer words.
 */
function wordIndices(train: string[][], test: string[][], { numWords = null, startChar = 1, oovChar = 2, indexFrom = 3 }: WordIndexOptions): [number[][], number[][]] {
  const counts = new Map<string, number>();
  for (const words of train) for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  // Ties keep first appearance (a Map iterates in insertion order and sort is stable).
  const rank = new Map([...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w], i) => [w, i + 1]));
  const encode = (words: string[]) => [
    startChar,
    ...words.map((w) => {
      const r = rank.get(w);
      const index = r === undefined ? Infinity : r + indexFrom;
      return numWords !== null && index >= numWords ? oovChar : index === Infinity ? oovChar : index;
    }),
  ];
  return [train.map(encode), test.map(encode)];
}

export const spamAssassin = {
  /**
   * The SpamAssassin mails the package embeds (spam 1, ham 0; a fixed 80/20 split), in imdb's
   * form: word-index sequences and labels — a local stand-in for keras.datasets.imdb.
   */
  loadData(opts: WordIndexOptions = {}): Split<number[][], number[]> {
    const [train, test] = [new SpamAssassin({ train: true }), new SpamAssassin({ train: false })];
    const words = (d: SpamAssassin) => [...d].map(([text]) => basicEnglishTokenizer(text));
    const [xTrain, xTest] = wordIndices(words(train), words(test), opts);
    return [[xTrain, [...train].map(([, y]) => y)], [xTest, [...test].map(([, y]) => y)]];
  },
};
