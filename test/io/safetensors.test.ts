/** safetensors: PyTorch's files load into tensorgrad modules; saves round-trip and are atomic. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "../../src/index.js";
import { assertClose, readFixture } from "../helpers.js";

const { nn, io } = tg;
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

test("a state dict written by PyTorch loads into the same model and predicts the same", () => {
  const expected = readFixture<{ state: Record<string, number[]>; x: number[][]; y: number[][] }>("torch_model.json");
  const sd = io.loadSafetensors(fixture("torch_model.safetensors"));
  assert.deepEqual(Object.keys(sd).sort(), Object.keys(expected.state).sort());
  assert.equal(sd["1.num_batches_tracked"]!.dtype, "int32"); // I64 → int32
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2)).eval();
  model.loadStateDict(sd);
  assertClose(model.forward(tg.tensor(expected.x)), expected.y.flat(), { atol: 1e-5 });
  assert.deepEqual(io.readSafetensors(fixture("torch_model.safetensors")).metadata, { format: "pt" });
});

test("save → load round-trips every dtype exactly, atomically", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-io-"));
  try {
    const file = path.join(dir, "w.safetensors");
    const sd = { a: tg.randn([3, 2]).t(), b: tg.tensor([1, -2], { dtype: "int32" }), c: tg.tensor([true, false]), d: tg.ones([1], { dtype: "float64" }) };
    io.saveSafetensors(file, sd, { note: "hi" });
    const back = io.readSafetensors(file);
    for (const [k, t] of Object.entries(sd)) {
      assert.equal(back.tensors[k]!.dtype, t.dtype);
      assert.deepEqual(back.tensors[k]!.tolist(), t.tolist());
    }
    assert.deepEqual(back.metadata, { note: "hi" });
    assert.deepEqual(readdirSync(dir), ["w.safetensors"]); // no temporary file left behind
    const len = Number(new DataView(readFileSync(file).buffer).getBigUint64(0, true));
    assert.equal(len % 8, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("truncated and corrupt files fail clearly, and a failed save leaves the old file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-io-"));
  try {
    const bytes = readFileSync(fixture("torch_model.safetensors"));
    const cut = path.join(dir, "cut.safetensors");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    assert.throws(() => io.loadSafetensors(cut), (e: unknown) => e instanceof tg.FormatError && /cut\.safetensors: truncated: tensor '.*' ends at byte/.test((e as Error).message));
    writeFileSync(cut, bytes.subarray(0, 5));
    assert.throws(() => io.loadSafetensors(cut), /truncated \(5 bytes/);
    const junk = new Uint8Array(16);
    new DataView(junk.buffer).setBigUint64(0, 4n, true);
    junk.set(new TextEncoder().encode("{{{{"), 8);
    writeFileSync(cut, junk);
    assert.throws(() => io.loadSafetensors(cut), /header is not valid JSON/);
    const target = path.join(dir, "keep.safetensors");
    io.saveSafetensors(target, { w: tg.ones([2]) });
    assert.throws(() => io.saveSafetensors(path.join(dir, "missing-dir", "x.safetensors"), { w: tg.ones([1]) }), /cannot write/);
    assert.deepEqual(io.loadSafetensors(target).w!.tolist(), [1, 1]);
    assert.ok(existsSync(target));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
