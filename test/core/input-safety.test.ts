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
  assert.throws(() => tg.ones([1]).to("complex64" as never), /to: dtype "complex64" is not supported \(dtypes:/);
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
