/** tg.randperm: a permutation, seeded by its generator, the same draws as data's random splits. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

test("randperm is a seeded permutation of 0 … n − 1 (int32, or the dtype asked)", () => {
  const p = tg.randperm(50, { generator: new tg.Generator(3) });
  assert.equal(p.dtype, "int32");
  assert.deepEqual([...p.dataSync()].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(tg.randperm(50, { generator: new tg.Generator(3) }).tolist(), p.tolist());
  assert.notDeepEqual(tg.randperm(50, { generator: new tg.Generator(4) }).tolist(), p.tolist());
  assert.deepEqual(Array.from(p.dataSync()), tg.data.randomPermutation(50, new tg.Generator(3)));
  assert.equal(tg.randperm(4, { dtype: "float32" }).dtype, "float32");
  assert.deepEqual(tg.randperm(0).shape, [0]);
  assert.throws(() => tg.randperm(-1), /randperm: n must be a non-negative integer, got -1/);
});
