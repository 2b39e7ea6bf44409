/**
 * What the fuzzer feeds: every file loader, each with its seed files (test/fuzz/corpus/) and a
 * fingerprint of what it returned — a canonical text of the data, built only after checking that
 * the result is well formed (shapes agree with data lengths, tensors readable). A mutated file must
 * give a typed error, the seed's exact data, or other well-formed data (where the format has no
 * checksum over the bytes the mutation hit); anything else is a finding.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../../src/index.js";

export interface Target {
  name: string;
  seeds: string[];
  /** Loads the (mutated) bytes of `seed`; the result goes to fingerprint. */
  load(bytes: Uint8Array, seed: string): unknown;
}

export const corpus = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./corpus/${name}`, import.meta.url)));

/** Thrown by a fingerprint for a result that is not well formed (a finding, not a typed error). */
export class Malformed extends Error {}

const scratch = mkdtempSync(path.join(tmpdir(), "tg-fuzz-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/** A fresh folder holding `files` (for loaders that read paths). */
function folder(files: Record<string, Uint8Array>): string {
  const dir = path.join(scratch, String(Math.random()).slice(2));
  mkdirSync(dir);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes);
  return dir;
}

const PLANETOID_PARTS = ["x", "tx", "allx", "y", "ty", "ally", "graph", "test.index"];

const numbers = (v: ArrayLike<number | bigint | boolean>) => Array.from(v, (x) => String(x)).join(",");

function checkShape(shape: unknown, length: number, what: string): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Malformed(`${what}: shape ${JSON.stringify(shape)}`);
  const n = shape.reduce((a: number, b: number) => a * b, 1);
  if (n !== length) throw new Malformed(`${what}: shape [${shape.join(", ")}] holds ${n} values, data ${length}`);
}

/** A tensor, checked and written out (dtype, shape, values). */
export function tensorText(t: tg.Tensor, what: string): string {
  if (!(t instanceof tg.Tensor)) throw new Malformed(`${what}: not a tensor`);
  const data = t.dataSync();
  checkShape(t.shape, data.length, what);
  return `${t.dtype}[${t.shape.join(",")}]:${numbers(data)}`;
}

function npyText(a: tg.data.NpyArray, what: string): string {
  checkShape(a.shape, a.data.length, what);
  return `${a.dtype}[${a.shape.join(",")}]:${JSON.stringify(a.data, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))}`;
}

function record(entries: [string, string][]): string {
  return entries.map(([k, v]) => `${JSON.stringify(k)}=${v}`).join(";");
}

const vocab = new tg.data.text.Vocab(["<unk>", "the", "cat", "dog", "bird"]);

export const TARGETS: Target[] = [
  {
    name: "IDX (parseIdx)",
    seeds: ["images.idx", "labels.idx", "floats.idx", "images.idx.gz"],
    load: (b, seed) => {
      const a = tg.data.parseIdx(b, seed);
      checkShape(a.shape, a.data.length, seed);
      return `[${a.shape.join(",")}]:${a.data.constructor.name}:${numbers(a.data)}`;
    },
  },
  {
    name: "MNIST dataset (IDX files)",
    seeds: ["images.idx", "labels.idx"],
    load: (b, seed) => {
      const other = seed === "images.idx" ? corpus("labels.idx") : corpus("images.idx");
      const [images, labels] = seed === "images.idx" ? [b, other] : [other, b];
      const ds = new tg.data.MNIST({ root: folder({ "train-images-idx3-ubyte": images, "train-labels-idx1-ubyte": labels }) });
      const rows: string[] = [];
      for (let i = 0; i < ds.length; i++) {
        const [x, y] = ds.get(i) as [tg.Tensor, number];
        rows.push(`${tensorText(x, `image ${i}`)}|${y}`);
      }
      return rows.join(";");
    },
  },
  {
    name: "safetensors (parseSafetensors)",
    seeds: ["weights.safetensors", "keras-model.safetensors"],
    load: (b, seed) => {
      const { tensors, metadata } = tg.io.parseSafetensors(b, seed);
      if (Object.getPrototypeOf(tensors) !== Object.prototype) throw new Malformed("the state dict's prototype was replaced");
      return record(Object.entries(tensors).map(([k, t]) => [k, tensorText(t, k)])) + `|${JSON.stringify(metadata)}`;
    },
  },
  {
    name: "npy (parseNpy)",
    seeds: ["f4.npy", "i8-big-endian.npy", "bool.npy", "u1-scalar.npy", "object-sequences.npy"],
    load: (b, seed) => npyText(tg.data.parseNpy(b, seed), seed),
  },
  {
    name: "pickle (unpickle)",
    seeds: ["list-of-lists.pickle"],
    load: (b, seed) => {
      // A pickle may reference its own containers (memo gets): such a cycle is data, written once.
      const seen = new WeakSet<object>();
      return JSON.stringify(tg.data.unpickle(b, seed), (_, v) => {
        if (v instanceof Uint8Array) return numbers(v);
        if (typeof v === "number" && !Number.isFinite(v)) return String(v);
        if (typeof v === "object" && v !== null) {
          if (seen.has(v)) return "[cycle]";
          seen.add(v);
        }
        return v;
      });
    },
  },
  {
    name: "Planetoid graph (readPlanetoid)",
    seeds: PLANETOID_PARTS.map((p) => `planetoid/ind.cora.${p}`),
    load: (b, seed) => {
      // One mutated file among the seven intact others.
      const files = Object.fromEntries(PLANETOID_PARTS.map((p) => [`ind.cora.${p}`, corpus(`planetoid/ind.cora.${p}`)]));
      files[path.basename(seed)] = b;
      const d = tg.geometric.datasets.readPlanetoid(folder(files), "Cora");
      return record(["x", "edgeIndex", "y", "trainMask", "valMask", "testMask"].map((k) => [k, tensorText(d[k] as tg.Tensor, k)]));
    },
  },
  {
    name: "npz (parseNpz)",
    seeds: ["stored.npz", "deflated.npz"],
    load: (b, seed) => record(Object.entries(tg.data.parseNpz(b, seed)).map(([k, a]) => [k, npyText(a, k)])),
  },
  {
    name: "IMDB npz (loadImdbNpz)",
    seeds: ["stored.npz", "deflated.npz"],
    load: (b) => {
      const file = path.join(folder({ "imdb.npz": b }), "imdb.npz");
      const r = tg.data.loadImdbNpz(file, { numWords: 100 });
      for (const [x, y] of [[r.xTrain, r.yTrain], [r.xTest, r.yTest]] as const) {
        if (x.length !== y.length || !x.every((s) => s.every((w) => Number.isInteger(w) && w >= 0 && w < 100))) throw new Malformed("sequences out of range");
      }
      return JSON.stringify(r);
    },
  },
  {
    name: "CSV (loadCSV)",
    seeds: ["table.csv"],
    load: (b) => {
      const t = tg.data.loadCSV(path.join(folder({ "t.csv": b }), "t.csv"));
      t.rows.forEach((r, i) =>
        r.forEach((c, j) => {
          const type = t.types[j];
          if (c !== null && typeof c !== type) throw new Malformed(`row ${i}, column ${j}: a ${typeof c} in a ${type} column`);
          if (typeof c === "number" && !Number.isFinite(c)) throw new Malformed(`row ${i}, column ${j}: ${c}`);
        }),
      );
      return JSON.stringify([t.columns, t.types, t.rows]);
    },
  },
  {
    name: "Adult and HMDA (fairness loaders)",
    seeds: ["adult.data", "hmda.csv"],
    load: (b, seed) => {
      const file = path.join(folder({ [seed]: b }), seed);
      const ds = seed === "adult.data" ? tg.fairness.loadAdult(file) : tg.fairness.loadHMDA(file);
      const n = ds.labels.length;
      if (ds.features.shape[0] !== n || ds.features.shape[1] !== ds.featureNames.length) throw new Malformed(`features [${ds.features.shape}] for ${n} labels, ${ds.featureNames.length} names`);
      if (!ds.labels.every((y) => y === 0 || y === 1)) throw new Malformed(`labels ${ds.labels}`);
      for (const [k, v] of Object.entries(ds.sensitive)) if (v.length !== n) throw new Malformed(`sensitive ${k}: ${v.length} values for ${n} rows`);
      return `${tensorText(ds.features, "features")}|${ds.featureNames.join(",")}|${ds.labels.join("")}|${JSON.stringify(ds.sensitive)}`;
    },
  },
  {
    name: "GloVe (loadGlove)",
    seeds: ["vectors.glove.txt"],
    load: async (b) => {
      const r = await tg.data.loadGlove(path.join(folder({ "v.txt": b }), "v.txt"), vocab);
      if (r.vectors.shape[0] !== vocab.length || r.vectors.shape[1] !== r.dim) throw new Malformed(`vectors of shape [${r.vectors.shape}]`);
      return `${tensorText(r.vectors, "vectors")}|${r.missing.join(",")}`;
    },
  },
  {
    name: "Keras model folder (loadModel)",
    seeds: ["keras-model.json", "keras-model.safetensors"],
    load: (b, seed) => {
      const json = seed === "keras-model.json" ? b : corpus("keras-model.json");
      const weights = seed === "keras-model.safetensors" ? b : corpus("keras-model.safetensors");
      const model = tg.keras.loadModel(folder({ "model.json": json, "model.safetensors": weights }));
      const w = record(Object.entries(model.getWeights()).map(([k, t]) => [k, tensorText(t, k)]));
      let prediction: string;
      try {
        prediction = tensorText(model.predict(tg.zeros([1, 3])) as tg.Tensor, "prediction");
      } catch (e) {
        if (!(e instanceof tg.TensorgradError)) throw e;
        prediction = `typed error: ${e.name}`; // a loaded model that expects another input shape
      }
      return `${model.name}|${w}|${prediction}`;
    },
  },
  {
    name: "Keras .keras file (loadModel)",
    seeds: ["model.keras"],
    load: (b) => {
      const model = tg.keras.loadModel(path.join(folder({ "m.keras": b }), "m.keras"));
      return `${model.name}|${record(Object.entries(model.getWeights()).map(([k, t]) => [k, tensorText(t, k)]))}`;
    },
  },
  {
    name: "BPE tokenizer.json (BPETokenizer.fromFile)",
    seeds: ["bpe-tokenizer.json"],
    load: (b) => bpeText(tg.data.text.BPETokenizer.fromFile(path.join(folder({ "tokenizer.json": b }), "tokenizer.json"))),
  },
  {
    name: "GPT-2 vocab.json + merges.txt (BPETokenizer.fromVocabMerges)",
    seeds: ["bpe-vocab.json", "bpe-merges.txt"],
    load: (b, seed) => {
      const dir = folder({ "vocab.json": seed === "bpe-vocab.json" ? b : corpus("bpe-vocab.json"), "merges.txt": seed === "bpe-merges.txt" ? b : corpus("bpe-merges.txt") });
      return bpeText(tg.data.text.BPETokenizer.fromVocabMerges(path.join(dir, "vocab.json"), path.join(dir, "merges.txt")));
    },
  },
  {
    name: "GPT-2 checkpoint folder (loadGPT2)",
    seeds: ["gpt2-config.json", "gpt2-model.safetensors"],
    load: (b, seed) => {
      const dir = folder({ "config.json": seed === "gpt2-config.json" ? b : corpus("gpt2-config.json"), "model.safetensors": seed === "gpt2-model.safetensors" ? b : corpus("gpt2-model.safetensors") });
      return lmText(tg.text.loadGPT2(dir));
    },
  },
  {
    name: "language model folder (loadLanguageModel)",
    seeds: ["lm.json", "lm-model.safetensors"],
    load: (b, seed) => {
      const dir = folder({ "lm.json": seed === "lm.json" ? b : corpus("lm.json"), "model.safetensors": seed === "lm-model.safetensors" ? b : corpus("lm-model.safetensors") });
      const { model, tokenizer } = tg.text.loadLanguageModel(dir);
      return `${lmText(model)}|${tokenizer.vocabSize}`;
    },
  },
];

/** A tokenizer's ids for a fixed text, checked to be in its vocabulary and to decode back to the text. */
function bpeText(tok: tg.data.text.BPETokenizer): string {
  const sample = "the cat <|endoftext|> Ünï 🙂\n";
  let ids: number[];
  try {
    ids = tok.encode(sample);
  } catch (e) {
    if (e instanceof tg.TensorgradError) return `typed error on encode: ${e.name}`; // a vocabulary missing byte symbols
    throw e;
  }
  if (!ids.every((i) => Number.isInteger(i) && i >= 0 && i < tok.vocabSize)) throw new Malformed(`ids outside the vocabulary: ${ids.join(",")}`);
  // Every token encode makes is built of byte symbols (or is an added token), so decode inverts it,
  // unless the file asks for a normaliser or a prefix space.
  const back = tok.decode(ids);
  if (back !== sample && tok.normalizer === null && !tok.addPrefixSpace) throw new Malformed(`decode(encode(s)) = ${JSON.stringify(back)}`);
  return `${tok.vocabSize}:${ids.join(",")}`;
}

/** A language model's logits for a fixed two-token input (the first ids of its vocabulary). */
function lmText(model: tg.text.GPT): string {
  const x = tg.tensor([[0, Math.min(1, model.config.vocabSize - 1)]], { dtype: "int32" });
  return `${JSON.stringify(model.config)}|${tensorText(model.forward(x).logits, "logits")}`;
}

