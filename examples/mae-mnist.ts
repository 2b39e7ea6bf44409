/**
 * mae-mnist: a masked auto-encoder (He et al. 2022) pre-trains a small Vision Transformer on digits
 * without their labels — 75% of each image's 4×4 patches are removed, the encoder sees the rest, a
 * light decoder redraws the removed ones, and the loss is taken on those only. Then, with --labels
 * of the training images labelled (100 = 10 per class by default; a list such as 100,1000 reuses one
 * pre-training):
 *   - a linear probe on the frozen encoder's mean-pooled patch features,
 *   - the whole encoder fine-tuned with a classification head,
 *   - the same ViT trained from scratch on the same labels, the same way,
 * are compared on the test images. The encoder is checkpointed (safetensors) between the phases, and
 * test digits with their masked inputs and reconstructions are drawn as an SVG.
 *
 *   npx tsx examples/mae-mnist.ts [--labels 100] [--minutes 10 | --epochs N] [--seed 0] [--fashion]
 *                                 [--mask-ratio 0.75] [--finetune-epochs (default: ~36,000 images seen)]
 *                                 [--limit N] [--out mae-mnist] [--encoder FILE (skip pre-training)]
 */
import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import * as tg from "tensorgrad";

const { nn, optim, data, ssl, viz } = tg;
const F = nn.functional;
const { values: args } = parseArgs({
  options: {
    labels: { type: "string", default: "100" },
    minutes: { type: "string", default: "10" },
    epochs: { type: "string" },
    seed: { type: "string", default: "0" },
    fashion: { type: "boolean", default: false },
    "mask-ratio": { type: "string", default: "0.75" },
    "finetune-epochs": { type: "string" },
    limit: { type: "string" },
    encoder: { type: "string" },
    out: { type: "string", default: "mae-mnist" },
  },
});
const seed = Number(args.seed);
tg.manualSeed(seed);
const generator = new tg.Generator(seed);
const [SIZE, PATCH, DIM, DECODER_DIM] = [28, 4, 64, 32];
const GRID = SIZE / PATCH;
const maskRatio = Number(args["mask-ratio"]);

/** Pre-norm Transformer blocks (ViT's: GELU, MLP ratio 4, no dropout). */
const blocks = (dim: number, depth: number) => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(dim, 4, { dimFeedforward: 4 * dim, dropout: 0, batchFirst: true, normFirst: true, activation: "gelu" }), depth);

/** ViT encoder: patch embeddings + fixed 2-D sin-cos positions, a class token, 4 blocks, LayerNorm. */
class ViTEncoder extends nn.Module<[tg.Tensor], tg.Tensor> {
  patchEmbed = new nn.PatchEmbed({ imgSize: SIZE, patchSize: PATCH, inChans: 1, embedDim: DIM });
  clsToken = new nn.Parameter(tg.randn([1, 1, DIM]).mul(0.02));
  blocks = blocks(DIM, 4);
  norm = new nn.LayerNorm(DIM);
  constructor() {
    super();
    this.registerBuffer("pos", nn.sincos2dPositionTable(DIM, GRID, GRID, { clsToken: true }), false);
  }
  /** Tokens of the visible patches (all of them when ratio = 0): (N, 1 + kept, D), with MAE's mask and un-shuffle indices. */
  encode(x: tg.Tensor, ratio: number): { latent: tg.Tensor; mask: tg.Tensor | null; idsRestore: tg.Tensor | null } {
    const pos = this.getBuffer("pos")!;
    let tokens = this.patchEmbed.forward(x).add(pos.narrow(0, 1, GRID * GRID));
    let mask: tg.Tensor | null = null, idsRestore: tg.Tensor | null = null;
    if (ratio > 0) ({ kept: tokens, mask, idsRestore } = ssl.randomMasking(tokens, ratio, { generator }));
    const cls = this.clsToken.add(pos.narrow(0, 0, 1)).expand([x.shape[0]!, 1, DIM]);
    return { latent: this.norm.forward(this.blocks.forward(tg.cat([cls, tokens], 1))), mask, idsRestore };
  }
  /** The mean of the patch tokens: (N, 1, 28, 28) → (N, D) features. */
  forward(x: tg.Tensor): tg.Tensor {
    return this.encode(x, 0).latent.narrow(1, 1, GRID * GRID).mean(1);
  }
}

/** MAE's light decoder: mask tokens fill the removed positions, 2 narrow blocks redraw every patch. */
class MaeDecoder extends nn.Module<[tg.Tensor, tg.Tensor], tg.Tensor> {
  embed = new nn.Linear(DIM, DECODER_DIM);
  maskToken = new nn.Parameter(tg.randn([1, 1, DECODER_DIM]).mul(0.02));
  blocks = blocks(DECODER_DIM, 2);
  norm = new nn.LayerNorm(DECODER_DIM);
  pred = new nn.Linear(DECODER_DIM, PATCH * PATCH);
  constructor() {
    super();
    this.registerBuffer("pos", nn.sincos2dPositionTable(DECODER_DIM, GRID, GRID, { clsToken: true }), false);
  }
  forward(latent: tg.Tensor, idsRestore: tg.Tensor): tg.Tensor {
    const y = this.embed.forward(latent);
    const [n, visible, L] = [y.shape[0]!, y.shape[1]! - 1, GRID * GRID];
    const filled = tg.cat([y.narrow(1, 1, visible), this.maskToken.expand([n, L - visible, DECODER_DIM])], 1);
    const unshuffled = filled.gather(1, idsRestore.unsqueeze(-1).expand([n, L, DECODER_DIM]));
    const seq = tg.cat([y.narrow(1, 0, 1), unshuffled], 1).add(this.getBuffer("pos")!);
    return this.pred.forward(this.norm.forward(this.blocks.forward(seq))).narrow(1, 1, L); // (N, L, p²)
  }
}

const load = (train: boolean) => (args.fashion ? new data.FashionMNIST({ train }) : new data.EmbeddedMNIST({ train }));
const [trainSet, testSet] = [load(true), load(false)];
const cap = (n: number) => (args.limit ? Math.min(n, Number(args.limit)) : n);
const xTrain = trainSet.images().narrow(0, 0, cap(trainSet.length));
const yTrain = Array.from(trainSet.labels.subarray(0, xTrain.shape[0]!));
const xTest = testSet.images().narrow(0, 0, cap(testSet.length));
const yTest = Array.from(testSet.labels.subarray(0, xTest.shape[0]!));
const N = xTrain.shape[0]!;
const dataName = args.fashion ? "Fashion-MNIST" : "MNIST (the mnist package's digits)";

function embed(encoder: ViTEncoder, x: tg.Tensor): tg.Tensor {
  encoder.eval();
  return tg.noGrad(() => tg.cat(Array.from({ length: Math.ceil(x.shape[0]! / 500) }, (_, i) => tg.scope(() => encoder.forward(x.narrow(0, i * 500, Math.min(500, x.shape[0]! - i * 500))))), 0));
}

// ---- 1. masked auto-encoding on the unlabelled images ---------------------------------------------
const encoder = new ViTEncoder();
const decoder = new MaeDecoder();
const maeLoss = (x: tg.Tensor) => {
  const { latent, mask, idsRestore } = encoder.encode(x, maskRatio);
  return { loss: ssl.maskedPatchLoss(decoder.forward(latent, idsRestore!), ssl.patchify(x, PATCH), mask!, { normPixLoss: true }), mask: mask! };
};
const started = performance.now();
const budget = Number(args.minutes) * 60_000;
const maxEpochs = args.epochs ? Number(args.epochs) : Infinity;
let epoch = 0;
if (args.encoder) {
  encoder.loadStateDict(tg.io.loadSafetensors(args.encoder));
  console.log(`loaded the pre-trained encoder from ${args.encoder}`);
} else {
  console.log(`MAE pre-training on ${N} unlabelled ${dataName} images (${GRID * GRID} patches of ${PATCH}×${PATCH}, ${100 * maskRatio}% removed; batch 128), ${args.epochs ? `${maxEpochs} epochs` : `${args.minutes} minutes`}`);
  const opt = new optim.AdamW([...encoder.parameters(), ...decoder.parameters()], { lr: 1.5e-3, betas: [0.9, 0.95], weightDecay: 0.05 });
  while (epoch < maxEpochs && performance.now() - started < budget) {
    epoch++;
    encoder.train();
    decoder.train();
    const order = tg.tensor(Array.from(generator.permutation(N)), { dtype: "int32" });
    let total = 0, steps = 0;
    for (let s = 0; s + 128 <= N && performance.now() - started < budget; s += 128) {
      total += tg.scope(() => {
        const { loss } = maeLoss(xTrain.indexSelect(0, order.narrow(0, s, 128)));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item() as number;
      });
      steps++;
    }
    const monitorN = Math.min(5000, N);
    const knn = ssl.knnAccuracy(embed(encoder, xTrain.narrow(0, 0, monitorN)), yTrain.slice(0, monitorN), embed(encoder, xTest.narrow(0, 0, Math.min(2000, xTest.shape[0]!))), yTest.slice(0, 2000), { k: 20 });
    console.log(`epoch ${epoch}: reconstruction loss on removed patches ${(total / Math.max(1, steps)).toFixed(4)}, k-NN monitor ${(100 * knn).toFixed(1)}% (${((performance.now() - started) / 60_000).toFixed(1)} min)`);
  }
}
const pretrainMinutes = (performance.now() - started) / 60_000;
const checkpoint = args.encoder ?? `${args.out}-encoder.safetensors`;
if (!args.encoder) {
  tg.io.saveSafetensors(checkpoint, encoder.stateDict());
  console.log(`pre-trained for ${epoch} epochs in ${pretrainMinutes.toFixed(1)} minutes; encoder saved to ${checkpoint}`);

  // The picture: test digits, what the encoder saw, and the decoder's redrawing of the removed patches.
  encoder.eval();
  decoder.eval();
  const shown = xTest.narrow(0, 0, 8);
  const panels = tg.noGrad(() => {
    const { latent, mask, idsRestore } = encoder.encode(shown, maskRatio);
    let patches = decoder.forward(latent, idsRestore!); // normalised per patch (normPixLoss): put each back on the input's scale
    const target = ssl.patchify(shown, PATCH);
    patches = patches.mul(target.var(-1, true, true).add(1e-6).sqrt()).add(target.mean(-1, true));
    const removed = mask!.unsqueeze(-1);
    const unpatchify = (p: tg.Tensor) => p.reshape([8, GRID, GRID, PATCH, PATCH]).permute([0, 1, 3, 2, 4]).reshape([8, SIZE, SIZE]);
    const visible = unpatchify(target.mul(removed.neg().add(1)).add(removed.mul(0.5)));
    const redrawn = unpatchify(target.mul(removed.neg().add(1)).add(patches.clamp(0, 1).mul(removed)));
    return Array.from({ length: 8 }, (_, i) => [
      { image: shown.select(0, i).select(0, 0), title: "original" },
      { image: visible.select(0, i), title: "75% removed" },
      { image: redrawn.select(0, i), title: "reconstruction" },
    ]).flat();
  });
  writeFileSync(`${args.out}-reconstructions.svg`, viz.heatmapsToSVG(panels, { columns: 6, scale: 3 }));
  console.log(`wrote ${args.out}-reconstructions.svg`);
}

// ---- 2–3. For each label budget: linear probe, fine-tuning, and training from scratch -------------
function train(enc: ViTEncoder, head: tg.nn.Linear, xLab: tg.Tensor, yLab: tg.Tensor, epochs: number): void {
  const opt = new optim.AdamW([...enc.parameters(), ...head.parameters()], { lr: 1e-3, weightDecay: 0.05 });
  const n = xLab.shape[0]!;
  for (let e = 0; e < epochs; e++) {
    enc.train();
    const order = tg.tensor(Array.from(generator.permutation(n)), { dtype: "int32" });
    for (let s = 0; s < n; s += 64) {
      tg.scope(() => {
        const idx = order.narrow(0, s, Math.min(64, n - s));
        const x = ssl.batchSimclrAugment(xLab.indexSelect(0, idx), { size: SIZE, scale: [0.7, 1], flipProbability: 0, jitterProbability: 0, generator });
        opt.zeroGrad();
        F.crossEntropy(head.forward(enc.forward(x)), yLab.indexSelect(0, idx)).backward();
        opt.step();
      });
    }
  }
}
const accuracy = (enc: ViTEncoder, head: tg.nn.Linear) => {
  const pred = tg.noGrad(() => head.forward(embed(enc, xTest))).argmax(1).dataSync();
  return yTest.filter((y, i) => Number(pred[i]) === y).length / yTest.length;
};

for (const budgetLabels of args.labels!.split(",").map(Number)) {
  const perClass = Math.max(1, Math.floor(budgetLabels / 10));
  const chosen: number[] = [];
  const taken = new Array<number>(10).fill(0);
  for (const i of generator.permutation(N)) if (taken[yTrain[i]!]! < perClass) (taken[yTrain[i]!]!++, chosen.push(i));
  const xLab = xTrain.indexSelect(0, tg.tensor(chosen, { dtype: "int32" }));
  const yLab = tg.tensor(chosen.map((i) => yTrain[i]!), { dtype: "int32" });
  const epochs = args["finetune-epochs"] ? Number(args["finetune-epochs"]) : Math.max(5, Math.round(36_000 / chosen.length));
  console.log(`${chosen.length} labelled images (${perClass} per class), ${epochs} epochs of supervised training`);

  const probe = ssl.linearProbe(embed(encoder, xLab), yLab, embed(encoder, xTest), yTest, { epochs: 200, lr: 1e-2, batchSize: 128, generator });
  console.log(`  linear probe on the frozen pre-trained encoder: ${(100 * probe.accuracy).toFixed(2)}%`);

  const fineTuned = new ViTEncoder();
  fineTuned.loadStateDict(tg.io.loadSafetensors(checkpoint)); // the checkpoint between the phases
  const fineHead = new nn.Linear(DIM, 10);
  train(fineTuned, fineHead, xLab, yLab, epochs);
  const fineAcc = accuracy(fineTuned, fineHead);
  console.log(`  fine-tuned: ${(100 * fineAcc).toFixed(2)}%`);

  tg.manualSeed(seed + 1000);
  const scratch = new ViTEncoder();
  const scratchHead = new nn.Linear(DIM, 10);
  train(scratch, scratchHead, xLab, yLab, epochs);
  const scratchAcc = accuracy(scratch, scratchHead);
  console.log(`  from scratch on the same labels: ${(100 * scratchAcc).toFixed(2)}%`);
  console.log(`RESULT labels=${chosen.length} seed=${seed} probe=${(100 * probe.accuracy).toFixed(2)} finetune=${(100 * fineAcc).toFixed(2)} scratch=${(100 * scratchAcc).toFixed(2)} pretrain_epochs=${epoch} pretrain_minutes=${pretrainMinutes.toFixed(1)}`);
}
