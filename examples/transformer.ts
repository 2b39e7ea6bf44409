/**
 * transformer: two small Transformers.
 *  1. An encoder classifier — token embeddings + positions → TransformerEncoder → mean pool →
 *     Linear — on SpamAssassin e-mails.
 *  2. A decoder-only character language model (causal self-attention) on Moby-Dick that samples
 *     text after training.
 *
 * --device webgpu trains both on the GPU (Node: npm install webgpu); numbers are read with the
 * asynchronous readers, which every device has.
 *
 *   npx tsx examples/transformer.ts [--epochs 3] [--steps 300 (0: no language model)] [--classifier-samples N (default: all)] [--seed 0] [--device cpu|webgpu]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { nn, optim, data } = tg;
const F = nn.functional;
const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "3" },
    steps: { type: "string", default: "300" },
    "classifier-samples": { type: "string", default: "0" },
    seed: { type: "string", default: "0" },
    device: { type: "string", default: "cpu" },
  },
});
tg.manualSeed(Number(args.seed));
const device = await tg.device(args.device); // the GPU opens asynchronously

// ---- 1. encoder classifier ----------------------------------------------------------------------
class Classifier extends nn.Module<[tg.Tensor], tg.Tensor> {
  embed: tg.nn.Embedding;
  position: tg.nn.LearnedPositionalEmbedding;
  encoder: tg.nn.TransformerEncoder;
  head: tg.nn.Linear;
  constructor(vocab: number, d: number, maxLen: number) {
    super();
    this.embed = new nn.Embedding(vocab, d, { paddingIdx: 1 });
    this.position = new nn.LearnedPositionalEmbedding(d, { maxLen });
    this.encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(d, 2, { dimFeedforward: 2 * d, dropout: 0.1, batchFirst: true }), 1);
    this.head = new nn.Linear(d, 2);
  }
  forward(ids: tg.Tensor): tg.Tensor {
    const padding = ids.eq(1); // [N, T] true at <pad>
    const h = this.encoder.forward(this.position.forward(this.embed.forward(ids)), { srcKeyPaddingMask: padding });
    const keep = padding.logicalNot().float().unsqueeze(2);
    return this.head.forward(h.mul(keep).sum(1).div(keep.sum(1).clamp(1))); // mean over real tokens
  }
}

{
  const n = Number(args["classifier-samples"]) || Infinity; // 0: every e-mail
  const mails = new data.SpamAssassin({ train: true });
  const held = new data.SpamAssassin({ train: false });
  // Every e-mail in file order, or a random k of them (the vocabulary depends on the order only through ties).
  const pick = (ds: tg.data.SpamAssassin, k: number) => (k >= ds.length ? Array.from({ length: ds.length }, (_, i) => i) : data.randomPermutation(ds.length).slice(0, k));
  const trainIdx = pick(mails, n);
  const testIdx = pick(held, n === Infinity ? held.length : Math.floor(n / 4));
  const tokens = (texts: string[]) => texts.map((t) => data.text.basicEnglishTokenizer(t));
  const trainTokens = tokens(trainIdx.map((i) => mails.texts[i]!));
  const vocab = data.text.Vocab.build(trainTokens, { maxSize: 5000 });
  const encode = (ts: string[][]) => data.text.padSequences(ts.map((t) => vocab.lookupIndices(t)), { maxlen: 64, padding: "post", truncating: "post", value: 1 });
  const x = encode(trainTokens);
  const y = tg.tensor(trainIdx.map((i) => mails.labels[i]!), { dtype: "int32" });
  const xTest = encode(tokens(testIdx.map((i) => held.texts[i]!)));
  const yTest = tg.tensor(testIdx.map((i) => held.labels[i]!), { dtype: "int32" });
  const model = new Classifier(vocab.length, 32, 64).to(args.device);
  const opt = new optim.AdamW(model.parameters(), { lr: 2e-3 });
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 32, shuffle: true });
  const started = performance.now();
  for (let epoch = 0; epoch < Number(args.epochs); epoch++) {
    model.train();
    for (const [xb, yb] of loader) {
      tg.scope(() => {
        opt.zeroGrad();
        F.crossEntropy(model.forward(xb.toBackend(device)), yb.toBackend(device)).backward();
        opt.step();
      });
    }
  }
  model.eval();
  const acc = await tg.noGrad(() => model.forward(xTest.toBackend(device)).argmax(1).eq(yTest.toBackend(device)).float().mean()).itemAsync();
  console.log(`encoder classifier: ${args.epochs} epochs over ${x.shape[0]} e-mails in ${((performance.now() - started) / 1000).toFixed(1)} s, test accuracy ${(100 * acc).toFixed(2)}%`);
}

// ---- 2. decoder-only character language model ----------------------------------------------------
class CharLM extends nn.Module<[tg.Tensor], tg.Tensor> {
  embed: tg.nn.Embedding;
  position: tg.nn.SinusoidalPositionalEncoding;
  blocks: tg.nn.TransformerEncoder;
  norm: tg.nn.LayerNorm;
  head: tg.nn.Linear;
  constructor(vocab: number, d: number, layers: number, maxLen: number) {
    super();
    this.embed = new nn.Embedding(vocab, d);
    this.position = new nn.SinusoidalPositionalEncoding(d, { maxLen, dropout: 0 });
    // Decoder-only = self-attention blocks with a causal mask (no cross-attention), pre-norm as in GPT.
    this.blocks = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(d, 4, { dimFeedforward: 4 * d, dropout: 0, batchFirst: true, normFirst: true, activation: "gelu" }), layers);
    this.norm = new nn.LayerNorm(d);
    this.head = new nn.Linear(d, vocab);
  }
  forward(ids: tg.Tensor): tg.Tensor {
    const h = this.blocks.forward(this.position.forward(this.embed.forward(ids)), { isCausal: true });
    return this.head.forward(this.norm.forward(h)); // [N, T, vocab]
  }
}

if (Number(args.steps) > 0) {
  const seqLen = 64;
  const corpus = new data.MobyDick(seqLen);
  const model = new CharLM(corpus.chars.length, 64, 2, seqLen).to(args.device);
  const opt = new optim.AdamW(model.parameters(), { lr: 3e-3 });
  const loader = new data.DataLoader(corpus, { batchSize: 16, shuffle: true });
  const steps = Number(args.steps);
  const started = performance.now();
  let step = 0;
  let last = NaN;
  while (step < steps) {
    for (const [xb, yb] of loader) {
      const loss = tg.scope(() => {
        opt.zeroGrad();
        const logits = model.forward(xb.toBackend(device));
        const loss = F.crossEntropy(logits.reshape(-1, corpus.chars.length), yb.toBackend(device).reshape(-1));
        loss.backward();
        opt.step();
        return loss.detach();
      });
      // Read only the losses printed: a read waits for the device to finish the step.
      if (++step % 50 === 0 || step >= steps) last = await loss.itemAsync();
      loss.dispose();
      if (step % 50 === 0) console.log(`char LM step ${step}: loss ${last.toFixed(3)}`);
      if (step >= steps) break;
    }
  }
  console.log(`char LM: ${steps} steps in ${((performance.now() - started) / 1000).toFixed(1)} s, final loss ${last.toFixed(3)} (uniform would be ${Math.log(corpus.chars.length).toFixed(3)})`);

  // Sampling: feed the text so far (last seqLen characters), draw the next one from softmax(logits / T).
  model.eval();
  const gen = new tg.Generator(Number(args.seed));
  let text = "Call me Ishmael. ";
  for (let i = 0; i < 200; i++) {
    const ids = tg.tensor(corpus.encode(text.slice(-seqLen)), { dtype: "int32", device }).unsqueeze(0);
    const probs = await tg.noGrad(() => model.forward(ids).select(1, -1).div(0.8).softmax(-1)).data();
    let u = gen.random();
    let next = probs.length - 1;
    for (let c = 0; c < probs.length; c++) if ((u -= probs[c]!) <= 0) {
      next = c;
      break;
    }
    text += corpus.chars[next];
  }
  console.log(`sample:\n${text}`);
}
