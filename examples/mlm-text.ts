/**
 * mlm-text: masked-language-model pre-training pays off when labels are few. A small Transformer
 * encoder is pre-trained BERT-style (15% of tokens chosen: 80% [MASK], 10% random, 10% kept; the loss
 * on the chosen tokens only) on unlabelled text: Moby-Dick and the bodies of the SpamAssassin
 * training e-mails with their labels never read (and any --text files, such as the Shakespeare
 * text). Then, with only --labels of those e-mails labelled (100 by default, half spam, half ham):
 *   - a linear probe on the frozen pre-trained encoder's mean-pooled features,
 *   - fine-tuning the whole network, the encoder with a smaller learning rate than the head,
 *   - the same network trained from scratch on the same labels, the same way,
 * are compared on the 1,209 held-out e-mails. The encoder and its vocabulary are checkpointed
 * (safetensors and JSON) between the phases.
 *
 * The messages' bodies, not their headers, are read: mailing-list headers name the list a ham
 * message came from, which makes the task a lookup rather than language understanding.
 *
 *   npx tsx examples/mlm-text.ts [--labels 100 (or a list: 100,1000)] [--minutes 5 | --steps N] [--seed 0]
 *                                [--corpus both|moby-dick|mails] [--text FILE ...] [--finetune-epochs 40]
 *                                [--out mlm-text] [--encoder FILE (a saved pre-trained encoder: skip pre-training)]
 */
import { parseArgs } from "node:util";
import { readFileSync, writeFileSync } from "node:fs";
import * as tg from "tensorgrad";

const { nn, optim, data, ssl } = tg;
const F = nn.functional;
const { values: args } = parseArgs({
  options: {
    labels: { type: "string", default: "100" },
    minutes: { type: "string", default: "5" },
    steps: { type: "string" },
    seed: { type: "string", default: "0" },
    corpus: { type: "string", default: "both" },
    text: { type: "string", multiple: true, default: [] },
    "batch-size": { type: "string", default: "64" },
    "finetune-epochs": { type: "string", default: "40" },
    encoder: { type: "string" },
    out: { type: "string", default: "mlm-text" },
  },
});
const seed = Number(args.seed);
tg.manualSeed(seed);
const generator = new tg.Generator(seed);
const SEQ = 64;
const DIM = 64;
const [UNK, PAD, MASK] = [0, 1, 2];

/** Token embeddings + learned positions → 2 pre-norm Transformer blocks (4 heads) → LayerNorm: (N, T) ids → (N, T, D). */
class TextEncoder extends nn.Module<[tg.Tensor], tg.Tensor> {
  embed: tg.nn.Embedding;
  position: tg.nn.LearnedPositionalEmbedding;
  blocks: tg.nn.TransformerEncoder;
  norm = new nn.LayerNorm(DIM);
  constructor(vocabSize: number) {
    super();
    this.embed = new nn.Embedding(vocabSize, DIM, { paddingIdx: PAD });
    this.position = new nn.LearnedPositionalEmbedding(DIM, { maxLen: SEQ });
    // BERT's blocks use GELU and dropout 0.1; on the wasm backend today GELU's erf and dropout's masks
    // take half of a step's time, so this small model uses ReLU and no dropout (weight decay regularises).
    this.blocks = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(DIM, 4, { dimFeedforward: 4 * DIM, dropout: 0, batchFirst: true, normFirst: true, activation: "relu" }), 2);
  }
  forward(ids: tg.Tensor): tg.Tensor {
    return this.norm.forward(this.blocks.forward(this.position.forward(this.embed.forward(ids)), { srcKeyPaddingMask: ids.eq(PAD) }));
  }
}

/** The mean of the encoder's states over a message's real (non-padding) tokens: (N, T) → (N, D). */
function pooled(encoder: TextEncoder, ids: tg.Tensor): tg.Tensor {
  const keep = ids.ne(PAD).float().unsqueeze(2);
  return encoder.forward(ids).mul(keep).sum(1).div(keep.sum(1).clamp(1));
}

// ---- the text -----------------------------------------------------------------------------------
const body = (mail: string) => {
  const at = mail.indexOf("\n\n");
  return at < 0 ? "" : mail.slice(at + 2);
};
const tokenize = (text: string) => data.text.basicEnglishTokenizer(text);
const mails = new data.SpamAssassin({ train: true });
const held = new data.SpamAssassin({ train: false });
/** The unlabelled text as token lists: Moby-Dick, the training mails' bodies (texts only: their labels are never read here), --text files. */
function unlabelledText(): string[][] {
  const docs: string[][] = [];
  if (args.corpus !== "mails") docs.push(tokenize(new data.MobyDick().text));
  if (args.corpus !== "moby-dick") docs.push(...mails.texts.map((t) => tokenize(body(t))));
  for (const file of args.text!) docs.push(tokenize(readFileSync(file, "utf8")));
  return docs;
}
if (!["both", "mails", "moby-dick"].includes(args.corpus!)) throw new Error(`--corpus must be both, mails or moby-dick, got ${args.corpus}`);

// The vocabulary comes from the unlabelled text (or the checkpoint's), so both phases share it. Only
// the ids are kept: millions of token strings would slow every garbage collection during training.
function vocabularyAndIds(): { vocab: tg.data.text.Vocab; stream: Int32Array } {
  if (args.encoder) {
    const vocab = new data.text.Vocab(JSON.parse(readFileSync(args.encoder.replace(/\.safetensors$/, ".vocab.json"), "utf8")) as string[]);
    vocab.setDefaultIndex(UNK);
    return { vocab, stream: new Int32Array(0) };
  }
  const docs = unlabelledText();
  const vocab = data.text.Vocab.build(docs, { maxSize: 10_000, minFreq: 2, specials: ["<unk>", "<pad>", "[MASK]"] });
  return { vocab, stream: Int32Array.from(docs.flatMap((d) => vocab.lookupIndices(d))) };
}
const { vocab, stream } = vocabularyAndIds();
/** Each message's first SEQ body tokens as ids, padded after; an empty body is one unknown token. */
const encode = (docs: string[][]) => data.text.padSequences(docs.map((d) => (d.length ? vocab.lookupIndices(d.slice(0, SEQ)) : [UNK])), { maxlen: SEQ, padding: "post", truncating: "post", value: PAD });

// ---- 1. masked-language-model pre-training -------------------------------------------------------
const encoder = new TextEncoder(vocab.length);
const mlmHead = new nn.Linear(DIM, vocab.length);
const batchSize = Number(args["batch-size"]);
/** A batch of SEQ-token windows at random offsets of the concatenated unlabelled text. */
function windows(): tg.Tensor {
  const out = new Int32Array(batchSize * SEQ);
  for (let b = 0; b < batchSize; b++) {
    const start = Math.floor(generator.random() * (stream.length - SEQ));
    out.set(stream.subarray(start, start + SEQ), b * SEQ);
  }
  return tg.tensor(out, { shape: [batchSize, SEQ] });
}
const started = performance.now();
const budget = Number(args.minutes) * 60_000;
const maxSteps = args.steps ? Number(args.steps) : Infinity;
let step = 0;
if (args.encoder) {
  encoder.loadStateDict(tg.io.loadSafetensors(args.encoder));
  console.log(`loaded the pre-trained encoder from ${args.encoder}`);
} else {
  console.log(`MLM pre-training on ${stream.length} unlabelled tokens (vocabulary ${vocab.length}; windows of ${SEQ}, batch ${batchSize}), ${args.steps ? `${maxSteps} steps` : `${args.minutes} minutes`}`);
  const opt = new optim.AdamW([...encoder.parameters(), ...mlmHead.parameters()], { lr: 1e-3, weightDecay: 0.01 });
  const warmup = 200;
  let total = 0, correct = 0, chosen = 0;
  encoder.train();
  while (step < maxSteps && performance.now() - started < budget) {
    step++;
    for (const group of opt.paramGroups) group.lr = 1e-3 * Math.min(1, step / warmup);
    tg.scope(() => {
      const { inputIds, labels } = ssl.maskTokens(windows(), { vocabSize: vocab.length, maskTokenId: MASK, generator });
      const hidden = encoder.forward(inputIds);
      let guesses: tg.Tensor | undefined;
      const loss = ssl.mlmLoss(hidden, labels, (h) => (guesses = mlmHead.forward(h)));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      const targets = labels.reshape([-1]).indexSelect(0, labels.reshape([-1]).ne(-100).nonzero().reshape([-1]));
      total += loss.item();
      correct += Number(guesses!.argmax(1).eq(targets).sum().item());
      chosen += targets.shape[0]!;
    });
    if (step % 250 === 0) {
      console.log(`step ${step}: MLM loss ${(total / 250).toFixed(3)}, chosen tokens guessed ${((100 * correct) / chosen).toFixed(1)}% (${((performance.now() - started) / 60_000).toFixed(1)} min)`);
      total = correct = chosen = 0;
    }
  }
}
const pretrainMinutes = (performance.now() - started) / 60_000;
const checkpoint = args.encoder ?? `${args.out}-encoder.safetensors`;
if (!args.encoder) {
  tg.io.saveSafetensors(checkpoint, encoder.stateDict());
  writeFileSync(checkpoint.replace(/\.safetensors$/, ".vocab.json"), JSON.stringify(vocab.itos));
  console.log(`pre-trained for ${step} steps in ${pretrainMinutes.toFixed(1)} minutes; encoder saved to ${checkpoint}`);
}

// ---- 2–3. For each label budget: linear probe, fine-tuning, and training from scratch -------------
const xTest = encode(held.texts.map((t) => tokenize(body(t))));
const yTest = held.labels;

function accuracy(enc: TextEncoder, head: tg.nn.Linear): number {
  enc.eval();
  const logits = tg.noGrad(() => tg.cat(Array.from({ length: Math.ceil(xTest.shape[0]! / 256) }, (_, i) => tg.scope(() => head.forward(pooled(enc, xTest.narrow(0, i * 256, Math.min(256, xTest.shape[0]! - i * 256)))))), 0));
  const pred = logits.argmax(1).dataSync();
  return yTest.filter((y, i) => Number(pred[i]) === y).length / yTest.length;
}

function train(enc: TextEncoder, head: tg.nn.Linear, xLab: tg.Tensor, yLab: tg.Tensor, encoderLr: number, epochs: number): void {
  const opt = new optim.AdamW([{ params: enc.parameters(), lr: encoderLr }, { params: head.parameters() }], { lr: 1e-3, weightDecay: 0.01 });
  const n = xLab.shape[0]!;
  for (let e = 0; e < epochs; e++) {
    enc.train();
    const order = tg.tensor(Array.from(generator.permutation(n)), { dtype: "int32" });
    for (let s = 0; s < n; s += 16) {
      tg.scope(() => {
        const idx = order.narrow(0, s, Math.min(16, n - s));
        opt.zeroGrad();
        F.crossEntropy(head.forward(pooled(enc, xLab.indexSelect(0, idx))), yLab.indexSelect(0, idx)).backward();
        opt.step();
      });
    }
  }
}

const epochs = Number(args["finetune-epochs"]);
for (const budgetLabels of args.labels!.split(",").map(Number)) {
  const perClass = Math.max(1, Math.floor(budgetLabels / 2));
  const chosen: number[] = [];
  const taken = [0, 0];
  for (const i of generator.permutation(mails.length)) if (taken[mails.labels[i]!]! < perClass) (taken[mails.labels[i]!]!++, chosen.push(i));
  const xLab = encode(chosen.map((i) => tokenize(body(mails.texts[i]!))));
  const yLab = tg.tensor(chosen.map((i) => mails.labels[i]!), { dtype: "int32" });
  console.log(`${chosen.length} labelled e-mails (${perClass} spam, ${perClass} ham), ${epochs} epochs of supervised training`);

  encoder.eval();
  const features = (x: tg.Tensor) => tg.noGrad(() => tg.cat(Array.from({ length: Math.ceil(x.shape[0]! / 256) }, (_, i) => tg.scope(() => pooled(encoder, x.narrow(0, i * 256, Math.min(256, x.shape[0]! - i * 256))))), 0));
  const probe = ssl.linearProbe(features(xLab), yLab, features(xTest), yTest, { epochs: 200, lr: 1e-2, batchSize: 128, generator });
  console.log(`  linear probe on the frozen pre-trained encoder: ${(100 * probe.accuracy).toFixed(2)}%`);

  const fineTuned = new TextEncoder(vocab.length);
  fineTuned.loadStateDict(tg.io.loadSafetensors(checkpoint)); // the checkpoint between the phases
  const fineHead = new nn.Linear(DIM, 2);
  train(fineTuned, fineHead, xLab, yLab, 3e-4, epochs);
  const fineAcc = accuracy(fineTuned, fineHead);
  console.log(`  fine-tuned (encoder lr 3e-4, head 1e-3): ${(100 * fineAcc).toFixed(2)}%`);

  tg.manualSeed(seed + 1000);
  const scratch = new TextEncoder(vocab.length);
  const scratchHead = new nn.Linear(DIM, 2);
  train(scratch, scratchHead, xLab, yLab, 1e-3, epochs);
  const scratchAcc = accuracy(scratch, scratchHead);
  console.log(`  from scratch on the same labels (lr 1e-3): ${(100 * scratchAcc).toFixed(2)}%`);
  console.log(`RESULT labels=${chosen.length} seed=${seed} probe=${(100 * probe.accuracy).toFixed(2)} finetune=${(100 * fineAcc).toFixed(2)} scratch=${(100 * scratchAcc).toFixed(2)} pretrain_steps=${step} pretrain_minutes=${pretrainMinutes.toFixed(1)}`);
}
