/** The `tensorgrad` command, run from the build like a user would (`npx tensorgrad …`). */
import { fullPassTest } from "./helpers.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "../src/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "dist", "cli", "index.js"), ...args], { cwd: root, encoding: "utf8" });

fullPassTest("help, and a one-line reason with a non-zero exit on bad arguments", () => {
  assert.match(cli("--help").stdout, /^usage: tensorgrad <command>/);
  for (const [args, reason] of [
    [["train", "nope"], /unknown recipe 'nope'/],
    [["train", "mlp-mnist", "--epochs", "zero"], /--epochs must be a positive number/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["summary", "/nonexistent"], /holds no model\.json/],
    [["train", "mlp-mnist", "--bogus"], /Unknown option '--bogus'/],
  ] as const) {
    const r = cli(...args);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr.split("\n")[0]!, reason);
  }
});

fullPassTest("train → summary → diagram → eval → predict on a saved model", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-cli-"));
  try {
    const save = path.join(dir, "m");
    const train = cli("train", "mlp-mnist", "--epochs", "1", "--limit", "128", "--save", save);
    assert.equal(train.status, 0, train.stderr);
    assert.match(train.stdout, /test accuracy \d/);
    assert.match(train.stdout, /\n2\/2 - .* - val_accuracy: /); // a plain line per epoch off a terminal
    assert.match(cli("summary", save).stdout, /Total params: 109,386/);
    assert.match(cli("diagram", save).stdout, /^flowchart TD/);
    assert.match(cli("eval", save, "--limit", "64").stdout, /accuracy \d+\.\d\d%/);
    const inputs = path.join(dir, "x.json");
    writeFileSync(inputs, JSON.stringify([Array.from({ length: 28 }, () => Array.from({ length: 28 }, () => [0]))]));
    assert.match(cli("predict", save, inputs).stdout, /^\[\d\]\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

fullPassTest("the convolutional and text recipes train too", () => {
  for (const recipe of ["convnet-keras", "cnn-keras", "lstm-text", "transformer"]) {
    const r = cli("train", recipe, "--epochs", "1", "--limit", "32");
    assert.equal(r.status, 0, `${recipe}: ${r.stderr}`);
    assert.match(r.stdout, /test accuracy \d/);
  }
});

fullPassTest("train cnn-from-scratch runs the from-formula check program of the checkout", () => {
  const r = cli("train", "cnn-from-scratch");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /matches the library's layers/);
});

fullPassTest("train --save records the recipe and data: eval needs no flags and prints training's accuracy (image and text)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-cli-"));
  try {
    for (const recipe of ["mlp-mnist", "lstm-text"]) {
      const save = path.join(dir, recipe);
      const train = cli("train", recipe, "--epochs", "1", "--limit", "96", "--save", save);
      assert.equal(train.status, 0, train.stderr);
      const trained = /test accuracy (\d+\.\d\d)%/.exec(train.stdout)![1];
      const evaluated = cli("eval", save);
      assert.equal(evaluated.status, 0, evaluated.stderr);
      assert.equal(/accuracy (\d+\.\d\d)%/.exec(evaluated.stdout)![1], trained, `${recipe}: eval and train disagree`);
    }
    // predict: a text model takes strings and answers with probability and label.
    const texts = path.join(dir, "texts.json");
    writeFileSync(texts, JSON.stringify(["Win a free prize now, click here", "Meeting notes attached for tomorrow"]));
    const p = cli("predict", path.join(dir, "lstm-text"), texts);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /^\[\{"probability":0?\.?\d.*"label":[01]\},\{"probability":.*"label":[01]\}\]\n$/);
    // Wrong input is an error naming what was expected.
    const wrong = path.join(dir, "wrong.json");
    writeFileSync(wrong, JSON.stringify([[1, 2, 3]]));
    const bad = cli("predict", path.join(dir, "mlp-mnist"), wrong);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /sample 0 of .* must be 784 numbers \(shape \[28, 28, 1\]\), got 3/);
    assert.match(cli("predict", path.join(dir, "mlp-mnist"), texts).stderr, /holds strings, but this model takes numbers of shape \[28, 28, 1\]/);
    assert.match(cli("predict", path.join(dir, "lstm-text"), wrong).stderr, /this is a text model; .* must hold an array of strings/);
    // Evaluating on data of another kind is an error, not a number.
    const mismatch = cli("eval", path.join(dir, "mlp-mnist"), "--recipe", "lstm-text");
    assert.equal(mismatch.status, 2);
    assert.match(mismatch.stderr, /the model takes inputs of shape \[28, 28, 1\], SpamAssassin has \[120\]/);
    // A program with no model says so instead of ignoring --save.
    assert.match(cli("train", "cnn-from-scratch", "--save", path.join(dir, "x")).stderr, /has no model to save/);
    // explain: heat maps for an image model, highlighted tokens for a text model.
    const digits = path.join(dir, "digits.json");
    writeFileSync(digits, JSON.stringify([Array.from({ length: 784 }, (_, i) => (i % 28 === 14 ? 1 : 0))]));
    for (const method of ["integrated-gradients", "saliency", "occlusion"]) {
      const svg = path.join(dir, `${method}.svg`);
      const e = cli("explain", path.join(dir, "mlp-mnist"), "--input", digits, "--method", method, "--out", svg);
      assert.equal(e.status, 0, e.stderr);
      assert.match(e.stdout, /input 0: predicted class \d/);
      assert.match(readFileSync(svg, "utf8"), /^<svg[\s\S]*<rect[\s\S]*<\/svg>/);
    }
    const html = path.join(dir, "explain.html");
    const t = cli("explain", path.join(dir, "lstm-text"), "--input", texts, "--out", html, "--steps", "20");
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /input 1: strongest tokens \w+ [+-]\d/);
    assert.match(readFileSync(html, "utf8"), /<span title=[^>]*>win<\/span>/);
    assert.match(cli("explain", path.join(dir, "mlp-mnist"), "--input", digits, "--method", "gradcam").stderr, /gradcam needs a Conv2D layer/);
    assert.match(cli("explain", path.join(dir, "mlp-mnist"), "--input", digits, "--method", "magic").stderr, /--method must be one of/);
    assert.match(cli("explain", path.join(dir, "mlp-mnist")).stderr, /give --input/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

fullPassTest("train gcn-cora / gat-cora on the Planetoid files: per-seed and mean test accuracy", () => {
  const data = path.join(root, "..", "shared", "datasets", "planetoid");
  const gcn = cli("train", "gcn-cora", "--data", data, "--epochs", "3", "--runs", "2");
  assert.equal(gcn.status, 0, gcn.stderr);
  assert.match(gcn.stdout, /^gcn-cora: Kipf & Welling's two-layer GCN .* on Cora \(2708 nodes, 10556 edges\), up to 3 epochs\nseed 0: test accuracy \d+\.\d\d% .*\nseed 1: .*\ntest accuracy \d+\.\d\d% ± \d+\.\d\d over 2 runs\n$/);
  const gat = cli("train", "gat-cora", "--data", data, "--epochs", "2", "--seed", "5");
  assert.equal(gat.status, 0, gat.stderr);
  assert.match(gat.stdout, /seed 5: test accuracy/);
  const missing = cli("train", "gcn-cora");
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--data DIR must name the folder holding Cora\/raw\//);
  const wrong = cli("train", "gcn-cora", "--data", tmpdir());
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /ind\.cora\.x is missing/);
});

fullPassTest("train resnet20-fashion | detect-mnist | unet-mnist: quick runs print their test scores and save weights with the recipe", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-cli-vision-"));
  try {
    const resnet = cli("train", "resnet20-fashion", "--epochs", "1", "--limit", "256");
    assert.equal(resnet.status, 0, resnet.stderr);
    assert.match(resnet.stdout, /^resnet20-fashion: He et al.'s CIFAR ResNet-20 .*; 1 epochs, lr 0\.2, batch 128\nepoch 1: loss \d.*, test accuracy \d+\.\d\d%/);
    const save = path.join(dir, "det");
    const detect = cli("train", "detect-mnist", "--epochs", "1", "--limit", "64", "--save", save);
    assert.equal(detect.status, 0, detect.stderr);
    assert.match(detect.stdout, /epoch 1: loss \d.*, test mAP@0\.5 \d/);
    assert.equal(JSON.parse(readFileSync(path.join(save, "recipe.json"), "utf8")).recipe, "detect-mnist");
    assert.ok(Object.keys(tg.io.loadSafetensors(path.join(save, "model.safetensors"))).includes("head.classification_head.cls_logits.weight"));
    const trained = /test mAP@0\.5 (\d\.\d+)/.exec(detect.stdout)![1];
    const evaluated = cli("eval", save);
    assert.equal(evaluated.status, 0, evaluated.stderr);
    assert.match(evaluated.stdout, new RegExp(`^detect-mnist \\(.*\\): test mAP@0\\.5 ${trained!.replace(".", "\\.")}, mAP@\\[`));
    const unet = cli("train", "unet-mnist", "--epochs", "1", "--limit", "32", "--batch-size", "8");
    assert.equal(unet.status, 0, unet.stderr);
    assert.match(unet.stdout, /epoch 1: loss \d.*, test mean IoU \d/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

fullPassTest("cluster kmeans | minibatch | agglomerative | dbscan | gmm | spectral FILE.csv: a summary, and labels with --out", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-cli-cluster-"));
  try {
    const csv = path.join(dir, "points.csv");
    writeFileSync(csv, "a,b,name\n0,0,x\n0.1,0,y\n0,0.2,z\n5,5,u\n5.1,5,v\n5,5.2,w\n");
    const out = path.join(dir, "labels.txt");
    const km = cli("cluster", "kmeans", csv, "-k", "2", "--out", out);
    assert.equal(km.status, 0, km.stderr);
    assert.match(km.stdout, /6 rows × 2 numeric columns: a, b[\s\S]*2 clusters, sizes 3 3; inertia[\s\S]*silhouette 0\.97/);
    assert.equal(readFileSync(out, "utf8").trim().split("\n").length, 6);
    const methods = [["minibatch", /sizes 3 3; inertia .* after \d+ batches/], ["agglomerative", /single linkage/], ["dbscan", /6 core samples, 0 noise/], ["gmm", /converged in \d+ iterations/], ["spectral", /sizes 3 3; nearest-neighbour graph \(3 neighbours\)/]] as const;
    for (const [method, want] of methods) {
      const r = cli("cluster", method, csv, "-k", "2", "--linkage", "single", "--eps", "0.5", "--min-samples", "2");
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, want);
    }
    const bad = cli("cluster", "optics", csv);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /cluster: name a method/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

fullPassTest("rl train → eval → render: a tabular agent and PPO, saved with their learning logs", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-cli-rl-"));
  try {
    const q = path.join(dir, "q");
    const trained = cli("rl", "train", "qlearning", "FrozenLake-v1", "--steps", "100000", "--save", q);
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stdout, /QLearning on FrozenLake-v1, 100000 steps, seed 0[\s\S]*saved the agent/);
    const evaluated = cli("rl", "eval", q, "--episodes", "200");
    assert.match(evaluated.stdout, /QLearning on FrozenLake-v1 \(100000 training steps\): mean return 0\.\d+ ± [\d.]+ over 200 episodes[\s\S]*reward threshold 0\.7/);
    assert.match(readFileSync(path.join(q, "monitor.csv"), "utf8"), /^timestep,return,length\n/);
    const p = path.join(dir, "ppo");
    assert.equal(cli("rl", "train", "ppo", "CartPole-v1", "--steps", "512", "--save", p).status, 0);
    const svg = path.join(dir, "cartpole.svg");
    const rendered = cli("rl", "render", p, "--out", svg);
    assert.match(rendered.stdout, /wrote \d+ frames of one episode/);
    assert.match(readFileSync(svg, "utf8"), /^<svg[\s\S]*<animate/);
    const bad = cli("rl", "train", "ppo", "CartPole-v9");
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /No environment registered as "CartPole-v9"/);
    assert.match(cli("rl", "eval", dir).stderr, /holds no agent\.safetensors/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

fullPassTest("ssl pretrain simclr | byol | simsiam → ssl finetune: an encoder saved as one folder, then a probe, fine-tuning and scratch", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-cli-ssl-"));
  try {
    for (const method of ["simclr", "byol", "simsiam"]) {
      const saved = path.join(dir, method);
      const r = cli("ssl", "pretrain", method, "--epochs", "1", "--limit", "300", "--batch-size", "64", "--save", saved);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`${method} pre-training on 300 embedded MNIST training images without their labels[\\s\\S]*epoch 1: loss -?\\d\\.\\d+, k-NN monitor \\d+\\.\\d%[\\s\\S]*saved the encoder`));
    }
    const tuned = path.join(dir, "tuned");
    const r = cli("ssl", "finetune", path.join(dir, "byol"), "--labels", "50", "--epochs", "1", "--scratch", "--save", tuned);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /50 labelled images \(5 per class\)[\s\S]*linear probe on the frozen encoder: test accuracy [\d.]+%[\s\S]*fine-tuned[\s\S]*from scratch on the same labels/);
    const result = JSON.parse(readFileSync(path.join(tuned, "finetune.json"), "utf8")) as { labels: number; pretrained: { method: string } };
    assert.equal(result.labels, 50);
    assert.equal(result.pretrained.method, "byol");
    for (const [args, reason] of [
      [["ssl", "pretrain", "moco", "--epochs", "1"], /ssl pretrain: name a method \(simclr, byol, simsiam\)/],
      [["ssl", "pretrain", "simclr"], /give --minutes M or --epochs N/],
      [["ssl", "finetune", dir], /holds no encoder\.safetensors and pretrain\.json/],
      [["ssl", "fly"], /ssl: use ssl pretrain/],
    ] as const) {
      const bad = cli(...args);
      assert.equal(bad.status, 2, args.join(" "));
      assert.match(bad.stderr, reason);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

fullPassTest("train gpt-char --save, then sample streams a continuation of the prompt", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-cli-gpt-"));
  try {
    const text = path.join(dir, "text.txt");
    writeFileSync(text, "to be or not to be, that is the question. ".repeat(60));
    const save = path.join(dir, "lm");
    const train = cli("train", "gpt-char", "--data", text, "--iters", "6", "--save", save);
    assert.equal(train.status, 0, train.stderr);
    assert.match(train.stdout, /iter 0: train loss \d\.\d{4}, val loss \d\.\d{4}[\s\S]*val loss \d\.\d{4} after 6 iterations/);
    const sample = cli("sample", save, "--prompt", "to be", "--tokens", "12", "--seed", "3");
    assert.equal(sample.status, 0, sample.stderr);
    assert.equal(sample.stdout.length, "to be".length + 12 + 1);
    assert.ok(sample.stdout.startsWith("to be"));
    assert.equal(cli("sample", save, "--prompt", "to be", "--tokens", "12", "--seed", "3").stdout, sample.stdout);
    const unknown = cli("sample", save, "--prompt", "Zebra");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /"Z" \(U\+005A\) at offset 0 is not in the vocabulary/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
