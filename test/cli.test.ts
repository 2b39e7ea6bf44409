/** The `tensorgrad` command, run from the build like a user would (`npx tensorgrad …`). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "dist", "cli", "index.js"), ...args], { cwd: root, encoding: "utf8" });

test("help, and a one-line reason with a non-zero exit on bad arguments", () => {
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

test("train → summary → diagram → eval → predict on a saved model", () => {
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

test("the convolutional and text recipes train too", () => {
  for (const recipe of ["cnn-mnist", "cnn-keras", "lstm-text", "transformer"]) {
    const r = cli("train", recipe, "--epochs", "1", "--limit", "32");
    assert.equal(r.status, 0, `${recipe}: ${r.stderr}`);
    assert.match(r.stdout, /test accuracy \d/);
  }
});

test("train cnn-from-scratch runs the from-formula check program of the checkout", () => {
  const r = cli("train", "cnn-from-scratch");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /matches the library's layers/);
});
