/**
 * MNIST and Fashion-MNIST from the standard IDX files (raw or .gz) in a directory the user names,
 * with torchvision's options. Nothing is downloaded: a missing file is an error that says where we
 * looked and which file is expected. FashionMNIST finds Debian's dataset-fashion-mnist by default.
 */
import { requireNode } from "../../base/node.js";
import { DataError, FormatError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { Dataset } from "../dataset.js";
import { readIdx } from "./idx.js";

export interface MnistOptions {
  /** The directory holding the IDX files (also searched: root/MNIST/raw, root/raw). */
  root?: string;
  train?: boolean;
  /** Applied to each image tensor [1, 28, 28] (values in [0, 1]). */
  transform?: (image: Tensor) => Tensor;
  targetTransform?: (label: number) => number;
}

/** Image and label arrays shared by the IDX-file and embedded datasets. */
/** Samples are [image [1, H, W] in [0, 1], label] (each through its transform, when given). */
export abstract class ImageClassification extends Dataset<[Tensor, number]> {
  constructor(
    /** uint8 pixels, row-major [N, H, W]. */
    readonly pixels: Uint8Array,
    readonly labels: Int32Array,
    readonly height: number,
    readonly width: number,
    private readonly transform?: (image: Tensor) => Tensor,
    private readonly targetTransform?: (label: number) => number,
  ) {
    super();
  }

  get length(): number {
    return this.labels.length;
  }

  get(index: number): [Tensor, number] {
    this.checkIndex(index);
    const n = this.height * this.width;
    const img = new Float32Array(n);
    for (let i = 0; i < n; i++) img[i] = this.pixels[index * n + i]! / 255;
    const image = tensor(img, { shape: [1, this.height, this.width] });
    const label = this.labels[index]!;
    return [this.transform ? this.transform(image) : image, this.targetTransform ? this.targetTransform(label) : label];
  }

  /** Every image as one float tensor [N, 1, H, W] in [0, 1] (for fit-on-tensors workflows). */
  images(): Tensor {
    // A plain loop: Float32Array.from with a map function goes through the iterator protocol, ~100× slower.
    const scaled = new Float32Array(this.pixels.length);
    for (let i = 0; i < scaled.length; i++) scaled[i] = this.pixels[i]! / 255;
    return tensor(scaled, { shape: [this.length, 1, this.height, this.width] });
  }

  /** Every label as an int32 tensor [N]. */
  targets(): Tensor {
    return tensor(this.labels);
  }
}

const FILES = {
  train: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"],
  test: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
} as const;

/** Finds `name` or `name.gz` in the candidate directories, or explains what is missing where. */
function locate(dirs: string[], name: string, dataset: string): string {
  const { existsSync } = requireNode("node:fs", dataset);
  const path = requireNode("node:path", dataset);
  for (const dir of dirs) {
    for (const candidate of [name, `${name}.gz`]) {
      const p = path.join(dir, candidate);
      if (existsSync(p)) return p;
    }
  }
  throw new DataError(`${dataset}: cannot find ${name} (or ${name}.gz) in ${dirs.join(", ")}; nothing is downloaded — put the IDX files there or pass {root}`);
}

function load(dataset: string, root: string, train: boolean): { pixels: Uint8Array; labels: Int32Array; h: number; w: number } {
  const path = requireNode("node:path", dataset);
  const dirs = [root, path.join(root, dataset, "raw"), path.join(root, "raw")];
  const [imgName, lblName] = train ? FILES.train : FILES.test;
  const imgPath = locate(dirs, imgName, dataset);
  const lblPath = locate(dirs, lblName, dataset);
  const images = readIdx(imgPath);
  const labels = readIdx(lblPath);
  if (images.shape.length !== 3 || !(images.data instanceof Uint8Array)) {
    throw new FormatError(`${imgPath}: expected uint8 images of rank 3, got shape [${images.shape.join(", ")}]`);
  }
  if (labels.data instanceof Float32Array || labels.data instanceof Float64Array) {
    throw new FormatError(`${lblPath}: labels must be integers, the file holds ${labels.data instanceof Float32Array ? "float32" : "float64"} values`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new FormatError(`${lblPath}: expected ${images.shape[0]} labels to match ${imgPath}, got shape [${labels.shape.join(", ")}]`);
  }
  return { pixels: images.data, labels: Int32Array.from(labels.data as ArrayLike<number>), h: images.shape[1]!, w: images.shape[2]! };
}

export class MNIST extends ImageClassification {
  constructor({ root, train = true, transform, targetTransform }: MnistOptions & { root: string }) {
    const { pixels, labels, h, w } = load("MNIST", root, train);
    super(pixels, labels, h, w, transform, targetTransform);
  }
}

/** Where Debian's dataset-fashion-mnist package installs the files. */
export const DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

export class FashionMNIST extends ImageClassification {
  static readonly classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

  constructor({ root = DEBIAN_FASHION_MNIST, train = true, transform, targetTransform }: MnistOptions = {}) {
    const { pixels, labels, h, w } = load("FashionMNIST", root, train);
    super(pixels, labels, h, w, transform, targetTransform);
  }
}
