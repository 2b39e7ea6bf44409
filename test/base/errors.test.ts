/** Bad input gets a typed error whose message names the op, the shapes or dtypes, and the expectation. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const i32 = (data: number[]) => tg.tensor(data, { dtype: "int32" });

function throwsWith(fn: () => unknown, type: new (...a: never[]) => Error, ...patterns: RegExp[]) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    assert.ok(e instanceof tg.TensorgradError);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}

test("matmul names both shapes and the mismatch", () => {
  throwsWith(() => tg.ones([2, 3]).matmul(tg.ones([4, 5])), tg.ShapeError, /matmul/, /\[2, 3\]/, /\[4, 5\]/, /3 != 4/);
  throwsWith(() => tg.ones([2, 3]).mm(tg.ones([3])), tg.ShapeError, /mm: expects 2-D/);
  throwsWith(() => tg.bmm(tg.ones([2, 2, 3]), tg.ones([3, 3, 2])), tg.ShapeError, /batch sizes differ/);
  throwsWith(() => tg.tensor(1).matmul(tg.ones([1])), tg.ShapeError, /at least 1 dim/);
});

test("broadcasting failures name both shapes and the dim", () => {
  throwsWith(() => tg.ones([2, 3]).add(tg.ones([4])), tg.ShapeError, /add/, /\[2, 3\] and \[4\]/, /dim -1: 3 vs 4/);
  throwsWith(() => tg.ones([3]).expand(2, 4), tg.ShapeError, /expanded size \(4\) must match the existing size \(3\)/);
});

test("reshape, dims and slicing", () => {
  throwsWith(() => tg.ones([2, 3]).reshape(4, 2), tg.ShapeError, /shape \[4, 2\] is invalid for input of shape \[2, 3\]/);
  throwsWith(() => tg.ones([2, 3]).reshape(-1, -1), tg.ShapeError, /only one dimension can be -1/);
  throwsWith(() => tg.ones([2, 3]).sum(2), tg.ShapeError, /sum: dim 2 is out of range for a tensor of 2 dims/);
  throwsWith(() => tg.ones([2, 3]).permute(0, 0), tg.ShapeError, /not a permutation/);
  throwsWith(() => tg.ones([2, 3]).narrow(1, 2, 2), tg.ShapeError, /narrow/);
  throwsWith(() => tg.ones([2, 3]).select(0, 5), tg.ShapeError, /index 5 is out of range/);
  throwsWith(() => tg.ones([2]).slice(0, 0, 2, 0), tg.ValueError, /step must be a positive integer/);
  throwsWith(() => tg.cat([tg.ones([2, 3]), tg.ones([2, 4])]), tg.ShapeError, /tensor 1 has \[2, 4\]/);
  throwsWith(() => tg.stack([tg.ones([2]), tg.ones([3])]), tg.ShapeError, /equal size/);
  throwsWith(() => tg.ones([5]).split([2, 2]), tg.ShapeError, /do not sum to 5/);
  throwsWith(() => tg.ones([2, 3]).t().view(6), tg.ShapeError, /reshape\(\)/);
  throwsWith(() => tg.zeros([-1]), tg.ShapeError, /invalid shape/);
  throwsWith(() => tg.tensor([[1, 2], [3]]), tg.ShapeError, /ragged/);
  throwsWith(() => tg.tensor([1, 2, 3], { shape: [2, 2] }), tg.ShapeError, /3 values cannot fill shape \[2, 2\]/);
});

test("indices out of range and of the wrong dtype", () => {
  throwsWith(() => tg.ones([3, 2]).indexSelect(0, i32([0, 3])), tg.IndexError, /index 3 is out of bounds for dimension 0 with size 3/);
  throwsWith(() => tg.ones([3]).gather(0, tg.tensor([0])), tg.DTypeError, /index must be an int32 tensor, got float32/);
  throwsWith(() => tg.ones([3, 2]).gather(1, i32([0])), tg.ShapeError, /does not fit/);
  throwsWith(() => tg.oneHot(i32([0, 4]), 3), tg.IndexError, /class value 4 is out of range for numClasses 3/);
  throwsWith(() => tg.ones([2]).maskedFill(tg.ones([2]), 0), tg.DTypeError, /mask must be a bool tensor/);
});

test("dtype misuse", () => {
  throwsWith(() => i32([1, 2]).mean(), tg.DTypeError, /mean: input dtype must be floating point, got int32/);
  throwsWith(() => tg.tensor([true]).neg(), tg.DTypeError, /not defined for bool/);
  throwsWith(() => tg.rand([2], { dtype: "int32" }), tg.DTypeError, /rand: dtype must be floating point/);
});

test("values and autograd misuse", () => {
  throwsWith(() => tg.ones([2]).item(), tg.ValueError, /2 elements \(shape \[2\]\) cannot be converted/);
  throwsWith(() => tg.arange(0, 5, 0), tg.ValueError, /step must be nonzero/);
  throwsWith(() => tg.randint(3, 3, [2]), tg.ValueError, /high \(3\) must be greater than low \(3\)/);
  throwsWith(() => tg.ones([2]).amax(0, false).backward(), tg.AutogradError, /does not require grad/);
  throwsWith(() => tg.setBackend("nope"), tg.ValueError, /unknown backend 'nope'; available: js/);
  throwsWith(() => tg.zeros([0]).max(), tg.ShapeError, /empty/);
});

test("a disposed tensor says so", () => {
  const x = tg.ones([2]);
  x.dispose();
  throwsWith(() => x.sum(), tg.TensorgradError, /disposed/);
});
