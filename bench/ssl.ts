/**
 * Self-supervised pre-training steps — tensorgrad beside PyTorch 2.13 CPU in the same run:
 *   - BERT-style masked language modelling on the Shakespeare text (the model of
 *     examples/mlm-text.ts: 2 pre-norm Transformer blocks with ReLU and no dropout, d 64, windows
 *     of 64 words, batch 64, the vocabulary projection on the 15% chosen tokens only, AdamW);
 *   - SimCLR (the CNN encoder and projection head of examples/simclr-fashion.ts on two views of 256
 *     images, NT-Xent, Adam), the views given (augmentation is timed on its own for tensorgrad).
 * Needs the Shakespeare text (default ../shared/datasets/tinyshakespeare/input.txt, or --text FILE)
 * and, for the peer, the virtual environment of tools/peers.sh (or $PEERS_PYTHON).
 *
 *   npm run bench:ssl [-- --text FILE]
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "tensorgrad";
import { report, timeMs, type Row } from "./harness.js";

const { nn, optim, data, ssl } = tg;
const here = path.dirname(fileURLToPath(import.meta.url));
const at = process.argv.indexOf("--text");
const textFile = at > 0 ? process.argv[at + 1]! : path.join(here, "..", "..", "shared", "datasets", "tinyshakespeare", "input.txt");
const [SEQ, DIM, BATCH] = [64, 64, 64];
const threads = tg.getNumThreads();
const rows: Row[] = [];
const impl = `tensorgrad ${tg.getBackend().name}`;

// ---- masked language modelling on Shakespeare -----------------------------------------------------
const words = data.text.basicEnglishTokenizer(readFileSync(textFile, "utf8"));
const vocab = data.text.Vocab.build([words], { maxSize: 10_000, minFreq: 2, specials: ["<unk>", "<pad>", "[MASK]"] });
const stream = Int32Array.from(vocab.lookupIndices(words));
tg.manualSeed(0);
const embed = new nn.Embedding(vocab.length, DIM, { paddingIdx: 1 });
const position = new nn.LearnedPositionalEmbedding(DIM, { maxLen: SEQ });
const blocks = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(DIM, 4, { dimFeedforward: 4 * DIM, dropout: 0, batchFirst: true, normFirst: true, activation: "relu" }), 2);
const norm = new nn.LayerNorm(DIM);
const head = new nn.Linear(DIM, vocab.length);
const textModel = new nn.ModuleList([embed, position, blocks, norm, head]);
textModel.train();
const opt = new optim.AdamW(textModel.parameters(), { lr: 1e-3, weightDecay: 0.01 });
const generator = new tg.Generator(0);
function mlmStep(): void {
  tg.scope(() => {
    const ids = new Int32Array(BATCH * SEQ);
    for (let b = 0; b < BATCH; b++) {
      const s = Math.floor(generator.random() * (stream.length - SEQ));
      ids.set(stream.subarray(s, s + SEQ), b * SEQ);
    }
    const { inputIds, labels } = ssl.maskTokens(tg.tensor(ids, { shape: [BATCH, SEQ] }), { vocabSize: vocab.length, maskTokenId: 2, generator });
    const hidden = norm.forward(blocks.forward(position.forward(embed.forward(inputIds)), { srcKeyPaddingMask: inputIds.eq(1) }));
    const loss = ssl.mlmLoss(hidden, labels, (h) => head.forward(h));
    opt.zeroGrad();
    loss.backward();
    opt.step();
  });
}
const mlmWorkload = `MLM step, Shakespeare (${threads} threads)`;
rows.push({ workload: mlmWorkload, impl, value: await timeMs(mlmStep, { reps: 15 }), unit: "ms", higherIsBetter: false });

// ---- SimCLR on two views of 256 images ------------------------------------------------------------
class Encoder extends nn.Module<[tg.Tensor], tg.Tensor> {
  features = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.BatchNorm2d(64), new nn.ReLU(),
  );
  forward(x: tg.Tensor): tg.Tensor {
    return this.features.forward(x).mean([2, 3]);
  }
}
const encoder = new Encoder();
const projection = new ssl.ProjectionHead(64, 128, 64);
const copt = new optim.Adam([...encoder.parameters(), ...projection.parameters()], { lr: 1e-3, weightDecay: 1e-6 });
const images = tg.rand([256, 1, 28, 28], { generator });
const views = tg.rand([512, 1, 28, 28], { generator });
function simclrStep(): void {
  tg.scope(() => {
    const z = projection.forward(encoder.forward(views));
    const loss = ssl.ntXentLoss(z.narrow(0, 0, 256), z.narrow(0, 256, 256), { temperature: 0.5 });
    copt.zeroGrad();
    loss.backward();
    copt.step();
  });
}
const simclrWorkload = `SimCLR step, 2×256 views (${threads} threads)`;
rows.push({ workload: simclrWorkload, impl, value: await timeMs(simclrStep, { reps: 7 }), unit: "ms", higherIsBetter: false });
const augment = () => tg.scope(() => tg.cat([ssl.batchSimclrAugment(images, { size: 28, scale: [0.2, 1], generator }), ssl.batchSimclrAugment(images, { size: 28, scale: [0.2, 1], generator })], 0).dataSync());
rows.push({ workload: `SimCLR augmentation, 2×256 (${threads} threads)`, impl, value: await timeMs(augment, { reps: 7 }), unit: "ms", higherIsBetter: false });

const python = process.env.PEERS_PYTHON ?? path.join(here, "..", ".peers-venv", "bin", "python");
if (existsSync(python)) {
  const out = execFileSync(python, [path.join(here, "peers", "ssl_bench.py"), String(threads), textFile], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const r = JSON.parse(out) as { mlm: number; simclr: number; vocab: number; versions: string };
  if (r.vocab !== vocab.length) console.log(`(the peer's vocabulary has ${r.vocab} words, ours ${vocab.length})`);
  rows.push({ workload: mlmWorkload, impl: `PyTorch ${r.versions}`, value: r.mlm, unit: "ms", higherIsBetter: false });
  rows.push({ workload: simclrWorkload, impl: `PyTorch ${r.versions}`, value: r.simclr, unit: "ms", higherIsBetter: false });
} else {
  console.log("(PyTorch not available: run tools/peers.sh or set PEERS_PYTHON; skipping it)");
}
report("ssl", rows);
