/** tg.save / tg.load: nested objects with tensors, as safetensors files other tools read. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../../src/index.js";

describe("save and load", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-save-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

  test("a checkpoint record round-trips: tensors of every dtype, numbers (NaN too), strings, nesting, shared tensors", () => {
    const model = new tg.nn.Linear(3, 2);
    const shared = tg.tensor([1, 2, 3], { dtype: "int32" });
    const checkpoint = {
      epoch: 7, lr: 1e-3, best: NaN, name: "run-1", done: false, nothing: null,
      model: model.stateDict(),
      history: [tg.tensor([0.5, 0.25], { dtype: "float64" }), shared, shared],
      mask: tg.tensor([true, false]),
    };
    const file = path.join(dir, "ckpt.safetensors");
    tg.save(checkpoint, file);
    const back = tg.load(file) as typeof checkpoint;
    assert.equal(back.epoch, 7);
    assert.ok(Number.isNaN(back.best));
    assert.deepEqual([back.name, back.done, back.nothing], ["run-1", false, null]);
    assert.deepEqual(back.model.weight!.tolist(), model.weight.tolist());
    assert.deepEqual(back.history[0]!.tolist(), [0.5, 0.25]);
    assert.equal(back.history[0]!.dtype, "float64");
    assert.equal(back.history[1], back.history[2]);
    assert.deepEqual(back.mask.tolist(), [true, false]);
    // Loading into a module works as with PyTorch's torch.load(...)["model"].
    const copy = new tg.nn.Linear(3, 2);
    copy.loadStateDict(back.model);
    assert.deepEqual(copy.bias!.tolist(), model.bias!.tolist());
  });

  test("a saved state dict is a plain safetensors file; any safetensors file loads as a state dict", () => {
    const file = path.join(dir, "weights.safetensors");
    tg.save({ "fc.weight": tg.ones([2, 2]) }, file);
    assert.deepEqual(Object.keys(tg.io.loadSafetensors(file)), ["fc.weight"]);
    const plain = path.join(dir, "plain.safetensors");
    tg.io.saveSafetensors(plain, { a: tg.zeros([3]) });
    assert.deepEqual((tg.load(plain) as Record<string, tg.Tensor>).a!.tolist(), [0, 0, 0]);
    const bytes = readFileSync(file);
    assert.ok((tg.io.deserialize(new Uint8Array(bytes)) as Record<string, tg.Tensor>)["fc.weight"]);
  });

  test("unsupported values and cycles are errors that say where", () => {
    assert.throws(() => tg.save({ model: new tg.nn.Linear(1, 1) }, path.join(dir, "x")), /a Linear at 'model'.*stateDict/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => tg.save(cyclic, path.join(dir, "y")), /cycle at 'self'/);
    assert.throws(() => tg.save({ f: () => 1 }, path.join(dir, "z")), /function at 'f'/);
  });
});

describe("nn.utils.rnn", () => {
  const R = tg.nn.utils.rnn;
  test("padSequence (time-major, batchFirst, left padding) and unpadSequence", () => {
    const seqs = [tg.tensor([1, 2, 3]), tg.tensor([4]), tg.tensor([5, 6])];
    assert.deepEqual(R.padSequence(seqs).tolist(), [[1, 4, 5], [2, 0, 6], [3, 0, 0]]);
    assert.deepEqual(R.padSequence(seqs, { batchFirst: true, paddingValue: -1, paddingSide: "left" }).tolist(), [[1, 2, 3], [-1, -1, 4], [-1, 5, 6]]);
    const back = R.unpadSequence(R.padSequence(seqs, { batchFirst: true }), [3, 1, 2], { batchFirst: true });
    assert.deepEqual(back.map((t) => t.tolist()), [[1, 2, 3], [4], [5, 6]]);
  });

  test("packSequence feeds an LSTM like packPaddedSequence; unpackSequence returns the list", () => {
    const seqs = [tg.randn([4, 2]), tg.randn([2, 2])];
    const packed = R.packSequence(seqs);
    assert.deepEqual(packed.lengths, [4, 2]);
    assert.deepEqual(R.unpackSequence(packed).map((t) => t.shape), [[4, 2], [2, 2]]);
    assert.throws(() => R.packSequence([tg.randn([1, 2]), tg.randn([3, 2])]), /sorted/);
    assert.throws(() => R.padSequence([tg.randn([2, 3]), tg.randn([2, 4])]), tg.ShapeError);
  });
});
