/**
 * IMDB reviews, from either layout users have: the `aclImdb` folder (train|test × pos|neg text
 * files) as torchtext reads it, or Keras' `imdb.npz` word-index sequences with load_data's options.
 */
import { requireNode } from "../../base/node.js";
import { DataError, FormatError } from "../../base/errors.js";
import { Dataset } from "../dataset.js";
import { readNpz } from "./npy.js";
import { decodeUtf8 } from "../../base/utf8.js";

/** Items are [review text, label] with 1 for positive and 0 for negative. */
export class IMDB extends Dataset<[string, number]> {
  readonly texts: string[] = [];
  readonly labels: number[] = [];

  /** `root` is the aclImdb folder or the folder that contains it. */
  constructor({ root, train = true }: { root: string; train?: boolean }) {
    super();
    const { existsSync, readdirSync, readFileSync, statSync } = requireNode("node:fs", "IMDB");
    const path = requireNode("node:path", "IMDB");
    const base = existsSync(path.join(root, "aclImdb")) ? path.join(root, "aclImdb") : root;
    const split = path.join(base, train ? "train" : "test");
    for (const [label, sub] of [[0, "neg"], [1, "pos"]] as const) {
      const dir = path.join(split, sub);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError(`IMDB: expected the folder ${dir} (the aclImdb layout: ${train ? "train" : "test"}/pos and /neg); nothing is downloaded`);
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".txt")).sort()) {
        const at = path.join(dir, file);
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(at);
        } catch (e) {
          throw new DataError(`IMDB: cannot read ${at}: ${(e as Error).message}`);
        }
        this.texts.push(decodeUtf8(bytes, at));
        this.labels.push(label);
      }
    }
  }

  get length(): number {
    return this.texts.length;
  }

  get(index: number): [string, number] {
    this.checkIndex(index);
    return [this.texts[index]!, this.labels[index]!];
  }
}

export interface ImdbNpzOptions {
  /** Keep the most frequent numWords words; rarer ones become oovChar. */
  numWords?: number | null;
  skipTop?: number;
  /** Drop sequences longer than maxlen (Keras' load_data behaviour). */
  maxlen?: number | null;
  startChar?: number | null;
  oovChar?: number | null;
  indexFrom?: number;
}

export interface ImdbArrays {
  xTrain: number[][];
  yTrain: number[];
  xTest: number[][];
  yTest: number[];
}

/** keras.datasets.imdb.load_data on a local imdb.npz. */
export function loadImdbNpz(file: string, { numWords = null, skipTop = 0, maxlen = null, startChar = 1, oovChar = 2, indexFrom = 3 }: ImdbNpzOptions = {}): ImdbArrays {
  const arrays = readNpz(file);
  const need = ["x_train", "y_train", "x_test", "y_test"];
  const lacking = need.filter((k) => !arrays[k]);
  if (lacking.length) throw new FormatError(`${file}: missing arrays ${lacking.join(", ")} (expected Keras' imdb.npz)`);
  const start = (key: string) => {
    const xs = arrays[key]!.data;
    if (!Array.isArray(xs)) throw new FormatError(`${file}: ${key} must be an object array of word-index lists, got dtype ${arrays[key]!.dtype}`);
    return xs.map((s, i) => {
      if (!Array.isArray(s) || !s.every((w) => Number.isSafeInteger(w) && w >= 0)) throw new FormatError(`${file}: ${key}[${i}] is not a list of non-negative word indices`);
      const words = (s as number[]).map((w) => w + indexFrom);
      return startChar !== null ? [startChar, ...words] : words;
    });
  };
  const seqTrain = start("x_train");
  const seqTest = start("x_test");
  for (const [x, y] of [["x_train", "y_train"], ["x_test", "y_test"]] as const) {
    if (arrays[y]!.data.length !== arrays[x]!.data.length) throw new FormatError(`${file}: ${y} holds ${arrays[y]!.data.length} labels for ${arrays[x]!.data.length} sequences`);
  }
  // As Keras: without numWords the limit is the largest index over train and test (itself excluded).
  // A loop, not Math.max(...): the real file holds millions of indices, past any argument list.
  let largest = 0;
  for (const seqs of [seqTrain, seqTest]) for (const s of seqs) for (const w of s) if (w > largest) largest = w;
  const limit = numWords ?? largest;
  const prepare = (seqs: number[][], ys: number[]) => {
    let labels = [...ys];
    if (maxlen) {
      const keep = seqs.map((s) => s.length <= maxlen);
      seqs = seqs.filter((_, i) => keep[i]);
      labels = labels.filter((_, i) => keep[i]);
    }
    const kept = seqs.map((s) =>
      oovChar !== null ? s.map((w) => (w >= limit || w < skipTop ? oovChar : w)) : s.filter((w) => w < limit && w >= skipTop),
    );
    return [kept, labels] as const;
  };
  const [xTrain, yTrain] = prepare(seqTrain, Array.from(arrays.y_train!.data as ArrayLike<number>));
  const [xTest, yTest] = prepare(seqTest, Array.from(arrays.y_test!.data as ArrayLike<number>));
  return { xTrain, yTrain, xTest, yTest };
}
