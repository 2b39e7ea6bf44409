/**
 * Every example runs (smoke mode: tiny subsets, one epoch or a few steps) through the built package,
 * so none of them rots.
 */
import { fullPassTest } from "./helpers.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = (file: string, ...args: string[]) =>
  execFileSync(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "examples", file), ...args], { cwd: root, encoding: "utf8" });

fullPassTest("cnn-mnist", () => assert.match(run("cnn-mnist.ts", "--epochs", "1", "--limit", "128"), /epoch 1: loss \d.* test accuracy \d/));
fullPassTest("mlp-mnist", () => assert.match(run("mlp-mnist.ts", "--epochs", "1", "--limit", "256", "--verbose", "2"), /test accuracy \d/));
fullPassTest("cnn-keras", () => assert.match(run("cnn-keras.ts", "--epochs", "1", "--limit", "64", "--verbose", "0"), /test accuracy \d/));
fullPassTest("lstm-text", () => assert.match(run("lstm-text.ts", "--epochs", "1", "--limit", "64", "--verbose", "0"), /test accuracy \d/));
// The seed's CNN, the LSTM and the Transformers on the GPU (lavapipe here): the same programs, --device webgpu.
fullPassTest("cnn-mnist on webgpu", () => assert.match(run("cnn-mnist.ts", "--epochs", "1", "--limit", "128", "--device", "webgpu"), /epoch 1: loss \d.* test accuracy \d/));
fullPassTest("lstm-text on webgpu", () => assert.match(run("lstm-text.ts", "--epochs", "1", "--limit", "64", "--verbose", "0", "--device", "webgpu"), /test accuracy \d/));
fullPassTest("transformer on webgpu", () => assert.match(run("transformer.ts", "--steps", "2", "--classifier-samples", "64", "--epochs", "1", "--device", "webgpu"), /sample:\nCall me Ishmael/));
fullPassTest("cnn-from-scratch", () => assert.match(run("cnn-from-scratch.ts"), /matches the library's layers/));
// The Planetoid raw files the tests and benchmarks share (../shared/datasets/planetoid).
const planetoid = path.join(root, "..", "shared", "datasets", "planetoid");
fullPassTest("gcn-cora", () => assert.match(run("gcn-cora.ts", "--data", planetoid, "--epochs", "3"), /Cora: 2708 nodes[\s\S]*test accuracy \d/));
fullPassTest("gat-cora", () => assert.match(run("gat-cora.ts", "--data", planetoid, "--epochs", "2"), /test accuracy \d/));
fullPassTest("node2vec-karate", () => {
  const out = path.join(tmpdir(), `node2vec-karate-${process.pid}.svg`);
  try {
    assert.match(run("node2vec-karate.ts", "--epochs", "3", "--out", out), /community accuracy .*\d%/);
    assert.match(readFileSync(out, "utf8"), /^<svg[\s\S]*<circle[\s\S]*<\/svg>/);
  } finally {
    rmSync(out, { force: true });
  }
});
for (const [file, args, want] of [
  ["kmeans-mnist.ts", ["--limit", "400"], /adjusted Rand index \d\.\d+, NMI \d\.\d+[\s\S]*purity/],
  ["hierarchical.ts", ["--per-class", "3"], /ward +adjusted Rand index[\s\S]*single +adjusted Rand index/],
] as const) {
  fullPassTest(file.replace(".ts", ""), () => {
    const out = path.join(tmpdir(), `${file}-${process.pid}.svg`);
    try {
      assert.match(run(file, ...args, "--out", out), want);
      assert.match(readFileSync(out, "utf8"), /^<svg[\s\S]*<\/svg>/);
    } finally {
      rmSync(out, { force: true });
    }
  });
}
fullPassTest("dec-mnist", () => assert.match(run("dec-mnist.ts", "--limit", "300", "--small", "--pretrain-epochs", "2", "--max-iter", "20"), /k-means on pixels +accuracy \d[\s\S]*DEC +accuracy \d/));
fullPassTest("ppo-cartpole", () => {
  const out = path.join(tmpdir(), `ppo-cartpole-${process.pid}`);
  try {
    assert.match(run("ppo-cartpole.ts", "--steps", "1024", "--out", out), /evaluation: mean return \d+(\.\d)? ± [\d.]+ over 100 episodes[\s\S]*frames/);
    assert.match(readFileSync(`${out}-learning-curve.svg`, "utf8"), /^<svg[\s\S]*<\/svg>/);
    assert.match(readFileSync(`${out}-episode.svg`, "utf8"), /^<svg[\s\S]*<animate[\s\S]*<\/svg>/);
  } finally {
    for (const f of ["learning-curve", "episode"]) rmSync(`${out}-${f}.svg`, { force: true });
  }
});
fullPassTest("qlearning-frozenlake", () => assert.match(run("qlearning-frozenlake.ts", "--steps", "20000"), /state values[\s\S]*H[\s\S]*success rate \d+\.\d% over 1000 episodes/));
fullPassTest("rl-clustering", () => assert.match(run("rl-clustering.ts", "--steps", "256", "--test", "2", "--cnn-images", "640"), /held-out generated datasets[\s\S]*policy +\d\.\d{3}[\s\S]*silhouette sweep[\s\S]*MNIST[\s\S]*Fashion-MNIST test images[\s\S]*policy +\d\.\d{3}/));
fullPassTest("gpt-char", () => assert.match(run("gpt-char.ts", "--iters", "2", "--eval-iters", "1", "--tokens", "20"), /Moby-Dick: [\d,]+ characters[\s\S]*iter 2: train loss \d\.\d{4}, val loss \d\.\d{4}[\s\S]*--- a sample/));
fullPassTest("gpt-bpe", () => assert.match(run("gpt-bpe.ts", "--vocab", "300", "--iters", "2", "--eval-iters", "1", "--tokens", "20"), /tokens of a 300-token vocabulary[\s\S]*iter 2: train loss \d\.\d{4}[\s\S]*--- a sample/));
for (const task of ["addition", "dates"]) {
  fullPassTest(`seq2seq-attention (${task})`, () => {
    const out = path.join(tmpdir(), `seq2seq-${task}-${process.pid}.svg`);
    try {
      assert.match(run("seq2seq-attention.ts", "--task", task, "--train", "256", "--test", "32", "--epochs", "1", "--hidden", "16", "--out", out), /epoch 1: loss \d[\s\S]*held-out exact match, greedy: \d+\.\d\d%; character BLEU \d[\s\S]*beam search \(4 beams\) \d/);
      assert.match(readFileSync(out, "utf8"), /^<svg[\s\S]*<rect[\s\S]*<\/svg>/);
    } finally {
      rmSync(out, { force: true });
    }
  });
}
fullPassTest("seq2seq-attention (transformer)", () => assert.match(run("seq2seq-attention.ts", "--model", "transformer", "--train", "256", "--test", "32", "--epochs", "1", "--hidden", "16"), /epoch 1: loss \d[\s\S]*beam search \(4 beams\) \d/));
fullPassTest("transformer", () => assert.match(run("transformer.ts", "--steps", "2", "--classifier-samples", "64"), /sample:\nCall me Ishmael/));

// The seed's programs, one epoch each on the embedded digits: in the full pass only, as every test here.
if (process.env.TENSORGRAD_BACKEND !== "js") {
  fullPassTest("seed B.1: Keras MLP", () => assert.match(run("seed/b1-keras-mlp.ts", "1"), /Test accuracy: 0\.[89]/));
  fullPassTest("seed B.2: PyTorch CNN", () => assert.match(run("seed/b2-pytorch-cnn.ts", "1"), /Accuracy: [6-9]\d\./));
  fullPassTest("seed 12.1: Keras CNN", () => assert.match(run("seed/c12-1-keras-cnn.ts", "1"), /Test accuracy: 0\.[89]/));
  fullPassTest("seed B.3: Keras LSTM", () => assert.match(run("seed/b3-keras-lstm.ts", "1"), /Test accuracy: 0\.[89]/));
  fullPassTest("seed B.4: PyTorch LSTM", () => assert.match(run("seed/b4-pytorch-lstm.ts", "--epochs", "1", "--limit", "256"), /Accuracy: \d/));
  fullPassTest("seed 12.2: PyTorch RNN with GloVe", () => assert.match(run("seed/c12-2-pytorch-rnn-glove.ts", "--epochs", "1", "--limit", "256"), /Test Accuracy: \d/));
}
fullPassTest("explain-mnist", () => {
  const out = path.join(tmpdir(), `explain-mnist-${process.pid}`);
  try {
    assert.match(run("explain-mnist.ts", "--epochs", "1", "--limit", "256", "--digits", "2", "--out", out), /wrote .*2 digits × 5 methods[\s\S]*steps +riemann_trapezoid +gausslegendre[\s\S]* 300 +\d\.\d+e-?\d+ +\d\.\d+e-?\d+/);
    assert.match(readFileSync(`${out}.svg`, "utf8"), /^<svg[\s\S]*Grad-CAM[\s\S]*<\/svg>/);
    assert.deepEqual([...readFileSync(`${out}-integrated-gradients.png`).subarray(1, 4)], [0x50, 0x4e, 0x47]);
  } finally {
    for (const f of [".svg", "-saliency.png", "-integrated-gradients.png", "-grad-cam.png", "-guided-grad-cam.png", "-occlusion.png"]) rmSync(out + f, { force: true });
  }
});
fullPassTest("explain-text", () => {
  const out = path.join(tmpdir(), `explain-text-${process.pid}.html`);
  try {
    assert.match(run("explain-text.ts", "--epochs", "1", "--limit", "200", "--messages", "2", "--steps", "10", "--out", out), /completeness: largest .* = \d[\s\S]*(spam|ham) +P\(spam\) \d\.\d+ +toward spam: /);
    assert.match(readFileSync(out, "utf8"), /<span title=/);
  } finally {
    rmSync(out, { force: true });
  }
});
fullPassTest("fairness", () => {
  const out = path.join(tmpdir(), `fairness-${process.pid}.svg`);
  try {
    assert.match(run("fairness.ts", "--epochs", "30", "--eg-iterations", "3", "--out", out), /demographic parity difference \d\.\d+[\s\S]*ThresholdOptimizer \(DP\) +\d\.\d{3} +\d\.\d{3}/);
    assert.match(readFileSync(out, "utf8"), /^<svg[\s\S]*Reweighing[\s\S]*<\/svg>/);
  } finally {
    rmSync(out, { force: true });
  }
});
fullPassTest("simclr-fashion", () => {
  const out = path.join(tmpdir(), `simclr-fashion-${process.pid}`);
  try {
    assert.match(run("simclr-fashion.ts", "--limit", "600", "--epochs", "1", "--batch-size", "128", "--finetune-epochs", "1", "--labels", "50", "--out", out), /epoch 1: NT-Xent \d[\s\S]*linear probe .*\d%[\s\S]*fine-tuned .*\d%[\s\S]*from scratch .*\d%/);
    assert.match(readFileSync(`${out}-pretrained.svg`, "utf8"), /^<svg[\s\S]*<circle/);
  } finally {
    for (const f of ["-encoder.safetensors", "-untrained.svg", "-pretrained.svg"]) rmSync(out + f, { force: true });
  }
});
fullPassTest("mlm-text", () => {
  const out = path.join(tmpdir(), `mlm-text-${process.pid}`);
  try {
    assert.match(run("mlm-text.ts", "--steps", "5", "--finetune-epochs", "1", "--labels", "20", "--corpus", "moby-dick", "--out", out), /MLM pre-training on \d+ unlabelled tokens[\s\S]*20 labelled e-mails \(10 spam, 10 ham\)[\s\S]*linear probe .*\d%[\s\S]*fine-tuned .*\d%[\s\S]*from scratch .*\d%/);
    // The checkpoint between the phases: encoder and vocabulary, read back with --encoder.
    assert.match(run("mlm-text.ts", "--encoder", `${out}-encoder.safetensors`, "--finetune-epochs", "1", "--labels", "20"), /loaded the pre-trained encoder[\s\S]*RESULT labels=20/);
  } finally {
    for (const f of ["-encoder.safetensors", "-encoder.vocab.json"]) rmSync(out + f, { force: true });
  }
});
fullPassTest("mae-mnist", () => {
  const out = path.join(tmpdir(), `mae-mnist-${process.pid}`);
  try {
    assert.match(run("mae-mnist.ts", "--limit", "300", "--epochs", "1", "--finetune-epochs", "1", "--labels", "50", "--out", out), /epoch 1: reconstruction loss on removed patches \d[\s\S]*linear probe .*\d%[\s\S]*fine-tuned: \d[\s\S]*from scratch .*\d%/);
    assert.match(readFileSync(`${out}-reconstructions.svg`, "utf8"), /^<svg[\s\S]*reconstruction/);
  } finally {
    for (const f of ["-encoder.safetensors", "-reconstructions.svg"]) rmSync(out + f, { force: true });
  }
});

fullPassTest("resnet-fashion, detect-shapes and unet-segment: a tiny run each, with their SVGs", () => {
  const out = path.join(tmpdir(), `tg-vision-${process.pid}`);
  try {
    assert.match(run("resnet-fashion.ts", "--epochs", "1", "--limit", "256", "--svg", `${out}-resnet.svg`), /ResNet-20: 269434 parameters[\s\S]*epoch 1: loss \d.* test accuracy \d/);
    assert.match(readFileSync(`${out}-resnet.svg`, "utf8"), /^<svg[\s\S]*<text/);
    assert.match(run("detect-shapes.ts", "--epochs", "1", "--train", "64", "--test", "16", "--svg", `${out}-detect.svg`), /FCOS: \d+ parameters; 64 training and 16 test scenes of shapes[\s\S]*final test mAP@0\.5 \d/);
    assert.match(readFileSync(`${out}-detect.svg`, "utf8"), /^<svg[\s\S]*<image [^>]*href="data:image\/png;base64,/);
    assert.match(run("unet-segment.ts", "--epochs", "1", "--train", "32", "--test", "8", "--base", "4", "--svg", `${out}-unet.svg`), /U-Net \(base 4\)[\s\S]*final test mean IoU \d/);
    assert.match(readFileSync(`${out}-unet.svg`, "utf8"), /truth: /);
  } finally {
    for (const f of ["-resnet.svg", "-detect.svg", "-unet.svg"]) rmSync(out + f, { force: true });
  }
});
