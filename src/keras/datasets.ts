/**
 * `keras.datasets`: `mnist`, `fashionMnist` and `imdb` with Keras' `loadData()` shape —
 * `[[xTrain, yTrain], [xTest, yTest]]`. Nothing is downloaded: MNIST reads IDX files from a folder
 * you name, or the digits embedded in the package; Fashion-MNIST reads Debian's
 * dataset-fashion-mnist (or a folder); IMDB reads a local `imdb.npz`.
 */
import { ValueError } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";
import { tensor } from "../ops/creation.js";
import { EmbeddedMNIST } from "../data/datasets/embedded-mnist.js";
import { FashionMNIST, MNIST, type ImageClassification } from "../data/datasets/mnist.js";
import { loadImdbNpz, type ImdbNpzOptions } from "../data/datasets/imdb.js";

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
