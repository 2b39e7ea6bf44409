/**
 * Writes the tensorgrad-made part of the fuzzing seed corpus (test/fuzz/corpus/): IDX files (raw
 * and gzipped, uint8 and float32), safetensors files (several dtypes, metadata), CSV and GloVe text,
 * and a Keras model folder's two files. tools/make_fuzz_corpus.py writes the numpy files.
 *
 *   npx tsx tools/make-fuzz-corpus.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as tg from "../src/index.js";

const out = (name: string) => new URL(`../test/fuzz/corpus/${name}`, import.meta.url).pathname;
tg.manualSeed(0);

const pixels = Uint8Array.from({ length: 2 * 4 * 4 }, (_, i) => (i * 37) % 256);
writeFileSync(out("images.idx"), tg.data.encodeIdx([2, 4, 4], pixels));
writeFileSync(out("labels.idx"), tg.data.encodeIdx([2], new Uint8Array([3, 7])));
writeFileSync(out("floats.idx"), tg.data.encodeIdx([3, 2], Float32Array.from([0.5, -1, 2, 1e-3, 7, 0])));
writeFileSync(out("images.idx.gz"), gzipSync(tg.data.encodeIdx([2, 4, 4], pixels)));

const chunks = tg.io.encodeSafetensors(
  { "a.weight": tg.randn([3, 2]), "a.bias": tg.zeros([3]), steps: tg.tensor([1, 2, 3], { dtype: "int32" }), mask: tg.tensor([true, false]), d: tg.ones([2], { dtype: "float64" }) },
  { format: "pt" },
);
writeFileSync(out("weights.safetensors"), Buffer.concat(chunks));

writeFileSync(out("table.csv"), 'name,age,score,member\n"Smith, J",31,1.5,true\nLee,NA,-2e3,false\n"Quote ""Q""",7,.25,TRUE\n');
writeFileSync(
  out("adult.data"),
  "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K\n" +
    "50, Self-emp-not-inc, 83311, Bachelors, 13, Married-civ-spouse, Exec-managerial, Husband, White, Male, 0, 0, 13, United-States, >50K.\n" +
    "38, ?, 215646, HS-grad, 9, Divorced, ?, Not-in-family, Black, Female, 0, 0, 40, United-States, <=50K\n",
);
writeFileSync(out("hmda.csv"), "deny,pirat,hirat,lvrat,chist,mhist,phist,unemp,selfemp,insurance,condomin,afam,single,hschool\nno,0.221,0.221,0.8,5,2,no,3.9,no,no,no,no,no,yes\nyes,0.265,0.265,0.921875,2,2,no,3.2,no,no,no,yes,yes,yes\n");
writeFileSync(out("vectors.glove.txt"), "the 0.1 0.2 -0.3\ncat 1 2 3\ndog -1.5e-2 0 4\n");

const dir = mkdtempSync(path.join(tmpdir(), "tg-corpus-"));
const model = new tg.keras.Sequential([new tg.keras.Dense(4, { inputShape: [3], activation: "relu" }), new tg.keras.Dense(2)], { name: "seed" });
model.compile({ loss: "mse", optimizer: "adam" });
model.save(path.join(dir, "m"));
writeFileSync(out("keras-model.json"), readFileSync(path.join(dir, "m", "model.json")));
writeFileSync(out("keras-model.safetensors"), readFileSync(path.join(dir, "m", "model.safetensors")));
model.save(path.join(dir, "m.keras"));
writeFileSync(out("model.keras"), readFileSync(path.join(dir, "m.keras")));

// Tokenizers and language models: a small byte-level BPE in both file layouts, a tiny GPT-2
// checkpoint folder (config.json + model.safetensors) and a character-level language model folder.
const bpe = tg.data.text.BPETokenizer.train("the cat sat on the mat; the rat ate the hat. Ünïcödé 🙂 ".repeat(3), { vocabSize: 272, specialTokens: ["<|endoftext|>"] });
writeFileSync(out("bpe-tokenizer.json"), bpe.toJSON());
bpe.saveModel(path.join(dir, "bpe"));
writeFileSync(out("bpe-vocab.json"), readFileSync(path.join(dir, "bpe", "vocab.json")));
writeFileSync(out("bpe-merges.txt"), readFileSync(path.join(dir, "bpe", "merges.txt")));
const gpt2 = new tg.text.GPT({ vocabSize: 11, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, geluApproximate: "tanh" });
tg.text.saveGPT2(gpt2, path.join(dir, "gpt2"));
writeFileSync(out("gpt2-config.json"), readFileSync(path.join(dir, "gpt2", "config.json")));
writeFileSync(out("gpt2-model.safetensors"), readFileSync(path.join(dir, "gpt2", "model.safetensors")));
const chars = tg.data.text.CharTokenizer.fromText("abc xyz\n");
tg.text.saveLanguageModel(path.join(dir, "lm"), new tg.text.GPT({ vocabSize: chars.vocabSize, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, bias: false }), chars, { note: "seed" });
writeFileSync(out("lm.json"), readFileSync(path.join(dir, "lm", "lm.json")));
writeFileSync(out("lm-model.safetensors"), readFileSync(path.join(dir, "lm", "model.safetensors")));
rmSync(dir, { recursive: true, force: true });
