/**
 * nanoGPT's baby GPT on Shakespeare characters (4 layers, 4 heads, 128 wide, block 64, no biases,
 * dropout 0) — tensorgrad beside PyTorch 2.13 CPU running nanoGPT's model and training step
 * (bench/peers/gpt_bench.py), in the same run, on 1 and 2 threads:
 *   - training tokens/s: one step of batch 12 (forward, backward, clipping, AdamW) → 12·64 tokens;
 *   - sampling tokens/s: 63 new tokens (filling the block) from a one-token prompt at temperature 1, without a KV
 *     cache (nanoGPT's generate: the whole cropped context each step) and with one;
 *   - the byte-level BPE tokenizer: MB/s encoding the whole text (a 2,000-token vocabulary trained on
 *     it), beside Hugging Face tokenizers' encode_batch over its lines.
 * Needs the Shakespeare text (default ../shared/datasets/tinyshakespeare/input.txt, or --text FILE)
 * and, for the peer, the virtual environment of tools/peers.sh (or $PEERS_PYTHON).
 *
 *   npm run bench:gpt [-- --text FILE]
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "tensorgrad";
import { report, timeMs, type Row } from "./harness.js";

// The same tokenizer trained by Hugging Face tokenizers, timed encoding the text's lines with
// encode_batch (its fast path, on every core: one 1 MB string is about 5× slower there).
const BPE_PEER = String.raw`
import json, sys, time, tokenizers
from tokenizers import ByteLevelBPETokenizer
text = open(sys.argv[1], encoding="utf8").read()
tok = ByteLevelBPETokenizer()
tok.train_from_iterator([text], vocab_size=2000, min_frequency=2, special_tokens=["<|endoftext|>"], show_progress=False)
lines = text.split("\n")
ts = []
for _ in range(5):
    t = time.perf_counter(); tok.encode_batch(lines); ts.append(time.perf_counter() - t)
ts.sort()
print(json.dumps({"mbPerSecond": len(text.encode("utf8")) / 1e6 / ts[2], "version": tokenizers.__version__}))
`;

const here = path.dirname(fileURLToPath(import.meta.url));
const at = process.argv.indexOf("--text");
const textFile = at > 0 ? process.argv[at + 1]! : path.join(here, "..", "..", "shared", "datasets", "tinyshakespeare", "input.txt");
const text = readFileSync(textFile, "utf8");
const impl = `tensorgrad ${tg.getBackend().name}`;
const rows: Row[] = [];
const NEW = 63; // a one-token prompt and 63 new tokens fill the block of 64: the KV cache holds throughout

const chars = tg.data.text.CharTokenizer.fromText(text);
const data = Int32Array.from(chars.encode(text));
tg.manualSeed(1337);
const model = new tg.text.GPT({ vocabSize: chars.vocabSize, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, bias: false, dropout: 0 });
const opt = tg.text.configureOptimizer(model, { lr: 1e-3, weightDecay: 0.1, betas: [0.9, 0.99] });
const generator = new tg.Generator(0);
function trainStep(): void {
  tg.scope(() => {
    const { x, y } = tg.text.lmBatch(data, 64, 12, generator);
    model.forward(x, { targets: y }).loss!.backward();
    tg.nn.utils.clipGradNorm(model.parameters(), 1);
    opt.step();
    opt.zeroGrad();
  });
}
const sample = (useCache: boolean) => () => tg.scope(() => tg.text.generate(model, [0], { maxNewTokens: NEW, useCache, generator }));

const threadCounts = tg.getNumThreads() >= 2 ? [1, 2] : [1];
const workloads = (t: number) => ({ train: `training tokens/s (${t} thread${t > 1 ? "s" : ""})`, plain: `sampling tokens/s, no cache (${t})`, cached: `sampling tokens/s, KV cache (${t})` });
for (const t of threadCounts) {
  tg.setNumThreads(t);
  const w = workloads(t);
  model.train();
  rows.push({ workload: w.train, impl, value: (12 * 64) / ((await timeMs(trainStep, { reps: 15 })) / 1000), unit: "tokens/s", higherIsBetter: true });
  rows.push({ workload: w.plain, impl, value: NEW / ((await timeMs(sample(false), { reps: 3, warmup: 1 })) / 1000), unit: "tokens/s", higherIsBetter: true });
  rows.push({ workload: w.cached, impl, value: NEW / ((await timeMs(sample(true), { reps: 3, warmup: 1 })) / 1000), unit: "tokens/s", higherIsBetter: true });
  model.train();
}

const bpe = tg.data.text.BPETokenizer.train(text, { vocabSize: 2000, specialTokens: ["<|endoftext|>"] });
const mb = new TextEncoder().encode(text).length / 1e6;
rows.push({ workload: "BPE encode MB/s (vocabulary 2,000)", impl, value: mb / ((await timeMs(() => new tg.data.text.BPETokenizer({ vocab: bpe.vocab, merges: bpe.merges }).encode(text), { reps: 5 })) / 1000), unit: "MB/s", higherIsBetter: true });

const python = process.env.PEERS_PYTHON ?? path.join(here, "..", ".peers-venv", "bin", "python");
if (existsSync(python)) {
  for (const t of threadCounts) {
    const out = execFileSync(python, [path.join(here, "peers", "gpt_bench.py"), String(t), textFile], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const r = JSON.parse(out) as { trainTokensPerSecond: number; sampleTokensPerSecond: number; sampleCachedTokensPerSecond: number; versions: string };
    const w = workloads(t);
    const peer = `PyTorch ${r.versions} (nanoGPT)`;
    rows.push({ workload: w.train, impl: peer, value: r.trainTokensPerSecond, unit: "tokens/s", higherIsBetter: true });
    rows.push({ workload: w.plain, impl: peer, value: r.sampleTokensPerSecond, unit: "tokens/s", higherIsBetter: true });
    rows.push({ workload: w.cached, impl: peer, value: r.sampleCachedTokensPerSecond, unit: "tokens/s", higherIsBetter: true });
  }
  try {
    const out = execFileSync(python, ["-c", BPE_PEER, textFile], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const r = JSON.parse(out) as { mbPerSecond: number; version: string };
    rows.push({ workload: "BPE encode MB/s (vocabulary 2,000)", impl: `Hugging Face tokenizers ${r.version}`, value: r.mbPerSecond, unit: "MB/s", higherIsBetter: true });
  } catch {
    console.log("(Hugging Face tokenizers not installed in the peers' environment: pip install tokenizers; skipping it)");
  }
} else {
  console.log("(PyTorch not available: run tools/peers.sh or set PEERS_PYTHON; skipping it)");
}
report("gpt", rows);
