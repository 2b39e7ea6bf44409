/**
 * Nothing a user feeds in is silently changed: typed arrays keep their values, non-numeric input
 * and unknown dtype names are typed errors naming what was wrong.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

test("pixels keep their values: every integer typed array becomes int32, floats keep their width", () => {
  const pixels = tg.tensor(new Uint8Array([0, 128, 255]));
  assert.equal(pixels.dtype, "int32");
  assert.deepEqual(pixels.float().tolist(), [0, 128, 255]);
  assert.deepEqual(tg.tensor(new Uint8ClampedArray([0, 128, 255])).tolist(), [0, 128, 255]);
  for (const a of [new Int8Array([-128, 0, 127]), new Int16Array([-32768, 7, 32767]), new Uint16Array([0, 65535, 9]), new Uint32Array([0, 2147483647, 3])]) {
    const t = tg.tensor(a);
    assert.equal(t.dtype, "int32", a.constructor.name);
    assert.deepEqual(t.tolist(), Array.from(a), a.constructor.name);
  }
  assert.deepEqual(tg.tensor(new BigInt64Array([-5n, 2147483647n])).tolist(), [-5, 2147483647]);
  assert.throws(() => tg.tensor(new Uint32Array([4294967295])), (e: Error) => e instanceof tg.DTypeError && /Uint32Array value 4294967295 at index 0 does not fit int32/.test(e.message));
  assert.throws(() => tg.tensor(new BigInt64Array([1n << 40n])), /does not fit int32/);
  assert.equal(tg.tensor(new Float64Array([0.1])).dtype, "float64");
  assert.equal(tg.tensor(new Uint8Array([0, 1]), { dtype: "bool" }).dtype, "bool"); // bool only when asked
  assert.equal(tg.tensor([true, false]).dtype, "bool");
});

test("non-numeric input is a typed error naming it, never NaN", () => {
  assert.throws(() => tg.tensor(["a"] as never), (e: Error) => e instanceof tg.DTypeError && /expected numbers or booleans, got the string "a"/.test(e.message));
  assert.throws(() => tg.tensor([1, undefined] as never), /got undefined at depth 1, item 1/);
  assert.throws(() => tg.tensor([[1, 2], [3]]), (e: Error) => e instanceof tg.ShapeError && /ragged/.test(e.message));
  assert.throws(() => tg.tensor([[1, 2], 3] as never), /ragged/);
  assert.throws(() => tg.tensor({ a: 1 } as never), /got a object at the top level/);
  assert.throws(() => tg.tensor([null] as never), /got null/);
});

test("dtype names: the supported ones, or an error naming them and what to use", () => {
  assert.throws(() => tg.zeros([2], { dtype: "int64" as never }), (e: Error) => e instanceof tg.DTypeError && /full: dtype "int64" is not supported; use int32 .*\(dtypes: bool, int32, float32, float64\)/.test(e.message));
  assert.throws(() => tg.tensor([1], { dtype: "float16" as never }), /tensor: dtype "float16" is not supported; use float32/);
  assert.throws(() => tg.ones([1]).to("complex64"), /to: 'complex64' is neither a dtype \(bool, int32, float32, float64\) nor a device \(cpu, js/);
  assert.throws(() => tg.ones([1]).to("int64"), /to: dtype "int64" is not supported; use int32/);
  assert.throws(() => tg.randn([2], { dtype: "half" as never }), /randn: dtype "half"/);
  assert.throws(() => tg.arange(3, undefined, 1, { dtype: "uint8" as never }), /arange: dtype "uint8" is not supported; use int32/);
});

test("shapes as PyTorch takes them: an array or the sizes; errors name the op called", () => {
  assert.deepEqual(tg.zeros(2, 3).shape, [2, 3]);
  assert.deepEqual(tg.zeros([2, 3]).shape, [2, 3]);
  assert.equal(tg.ones(2, 3, { dtype: "int32" }).dtype, "int32");
  assert.deepEqual(tg.randn(4).shape, [4]);
  assert.deepEqual(tg.rand(2, 2, { dtype: "float64" }).shape, [2, 2]);
  const x = tg.arange(12);
  assert.deepEqual(x.view(2, 6).shape, [2, 6]);
  assert.deepEqual(x.view([3, -1]).shape, [3, 4]);
  assert.throws(() => x.view(5, 3), (e: Error) => e instanceof tg.ShapeError && /^view: shape \[5, 3\] is invalid/.test(e.message));
  assert.throws(() => x.view(-1, -1), /ShapeError: view: only one dimension can be -1/);
  assert.throws(() => x.reshape(5, 3), /ShapeError: reshape: shape \[5, 3\]/);
});

test("options objects are checked at run time: an unknown key or a wrong type names the function, the key and the options", () => {
  const { nn, optim, data, keras } = tg;
  const x = tg.randn([2, 3, 4]);
  assert.throws(() => nn.functional.gelu(x, { approximate: "tanhh" } as never), (e: Error) => e instanceof tg.ValueError && /gelu: option 'approximate' must be "none" \| "tanh", got "tanhh"/.test(e.message));
  assert.throws(() => nn.functional.gelu(x, { approx: "tanh" } as never), /gelu: unknown option 'approx'; the options are approximate/);
  assert.deepEqual(nn.functional.gelu(x, { approximate: "tanh" }).tolist(), nn.functional.gelu(x, "tanh").tolist());
  const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }), 1);
  assert.throws(() => encoder.forward(x, { mask: tg.zeros([2, 2]) } as never), /TransformerEncoder\.forward: unknown option 'mask'; the options are srcMask, srcKeyPaddingMask, isCausal/);
  assert.throws(() => new nn.TransformerEncoderLayer(4, 2, { dim_feedforward: 8 } as never), /TransformerEncoderLayer: unknown option 'dim_feedforward'/);
  assert.throws(() => new nn.MultiheadAttention(4, 2, { batchFirst: "yes" } as never), /MultiheadAttention: option 'batchFirst' must be a boolean, got "yes"/);
  assert.throws(() => new nn.LSTM(3, 4, { batch_first: true } as never), /LSTM: unknown option 'batch_first'; the options are numLayers, bias, batchFirst, dropout, bidirectional/);
  assert.throws(() => new nn.Conv2d(1, 2, 3, { strides: 2 } as never), /Conv2d: unknown option 'strides'/);
  assert.throws(() => new optim.Adam([tg.zeros([1], { requiresGrad: true })], { learningRate: 0.1 } as never), /Adam: unknown option 'learningRate'; the options are lr, betas/);
  assert.throws(() => new optim.SGD([tg.zeros([1], { requiresGrad: true })], { lr: "0.1" } as never), /SGD: option 'lr' must be a number, got "0\.1"/);
  assert.throws(() => new data.DataLoader(new data.TensorDataset(tg.zeros([2])), { batch_size: 2 } as never), /DataLoader: unknown option 'batch_size'/);
  assert.throws(() => nn.functional.crossEntropy(tg.randn([2, 3]), tg.tensor([0, 1], { dtype: "int32" }), { reduction: "avg" } as never), /crossEntropy: option 'reduction' must be "none" \| "mean" \| "sum"/);
  assert.throws(() => new keras.layers.Dense(3, { activaton: "relu" } as never), /Dense: unknown option 'activaton'; the options are name, inputShape, trainable, activation, useBias/);
  assert.throws(() => new keras.layers.Conv2D(8, 3, { padding: "full" } as never), /Conv2D: option 'padding' must be "valid" \| "same", got "full"/);
  assert.throws(() => new keras.layers.LSTM(8, { return_sequences: true } as never), /LSTM: unknown option 'return_sequences'/);
  const model = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [2] })]);
  assert.throws(() => model.compile({ loss: "mse", metric: ["accuracy"] } as never), /compile: unknown option 'metric'; the options are optimizer, loss, metrics/);
  model.compile({ loss: "mse" });
  assert.throws(() => model.fit(tg.zeros([2, 2]), tg.zeros([2, 1]), { epoch: 3 } as never), /fit: unknown option 'epoch'/);
  assert.throws(() => model.evaluate(tg.zeros([2, 2]), tg.zeros([2, 1]), { verbose: 3 } as never), /evaluate: option 'verbose' must be 0 \| 1 \| 2/);
});

test("to(device) for tensors and modules: cpu, a backend by name, or a clear error", () => {
  const x = tg.ones([2, 3]);
  assert.equal(x.to("cpu"), x, "cpu is the current backend: no copy");
  const onJs = x.to("js");
  assert.equal(onJs.backend.name, "js");
  assert.deepEqual(onJs.tolist(), x.tolist());
  assert.throws(() => x.to("cuda"), (e: Error) => e instanceof tg.ValueError && /to: 'cuda' is neither a dtype .* nor a device \(cpu, js, wasm/.test(e.message));
  const model = new tg.nn.Sequential(new tg.nn.Linear(3, 2)).to("js");
  assert.ok(model.parameters().every((p) => p.backend.name === "js" && p.requiresGrad));
  assert.deepEqual(model.forward(onJs).shape, [2, 2]);
  assert.throws(() => model.to("tpu"), /Sequential\.to: unknown device 'tpu'/);
  assert.equal(model.to("cpu").parameters()[0]!.backend, tg.getBackend());
});
