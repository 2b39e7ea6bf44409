/**
 * The rearranging ops and the products beyond their PyTorch fixtures (test/ops/pytorch-parity):
 * integer dtypes, which results are views, PyTorch's aliases, einsum against a slow reference on
 * random equations, and the errors that name what is wrong.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const ints = (data: number[], shape: number[]) => tg.tensor(Int32Array.from(data), { dtype: "int32" }).reshape(shape);
const throwsLike = (fn: () => unknown, type: new (...args: never[]) => Error, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof type && message.test((e as Error).message));

describe("rearranging", () => {
  test("integer and bool tensors keep their dtype", () => {
    const x = ints([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.deepEqual(x.flip(1).tolist(), [[3, 2, 1], [6, 5, 4]]);
    assert.deepEqual(x.roll(1, 1).tolist(), [[3, 1, 2], [6, 4, 5]]);
    assert.deepEqual(x.rot90().tolist(), [[3, 6], [2, 5], [1, 4]]);
    assert.deepEqual(x.triu(1).tolist(), [[0, 2, 3], [0, 0, 6]]);
    assert.equal(x.tril().dtype, "int32");
    assert.deepEqual(x.gt(2).flipud().tolist(), [[true, true, true], [false, false, true]]);
    assert.deepEqual(tg.diag(ints([1, 2], [2])).tolist(), [[1, 0], [0, 2]]);
    assert.deepEqual(x.repeatInterleave(2).tolist(), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  });

  test("movedim, swapaxes, broadcastTo, unbind and splits are views; flip and roll copy", () => {
    const x = tg.arange(6).reshape(2, 3);
    for (const view of [x.movedim(0, 1), x.swapaxes(0, 1), tg.broadcastTo(x, [2, 2, 3]), x.unbind(0)[1]!, x.tensorSplit(2, 1)[0]!]) {
      assert.equal(view.storage, x.storage);
    }
    assert.notEqual(x.flip(0).storage, x.storage);
    assert.notEqual(x.roll(0, 0).storage, x.storage);
  });

  test("shapes as PyTorch gives them", () => {
    const v = tg.arange(7);
    assert.deepEqual(tg.tensorSplit(v, 3).map((p) => p.shape[0]), [3, 2, 2]);
    assert.deepEqual(tg.tensorSplit(v, [2, -2, 100]).map((p) => p.shape[0]), [2, 3, 2, 0]);
    assert.deepEqual([tg.atleast1d(tg.tensor(1)), tg.atleast2d(v), tg.atleast3d(tg.zeros([2, 3]))].map((t) => t.shape), [[1], [1, 7], [2, 3, 1]]);
    assert.deepEqual(tg.tile(tg.zeros([2, 3]), [2]).shape, [2, 6]);
    assert.deepEqual(tg.tile(tg.zeros([3]), [2, 2]).shape, [2, 6]);
    assert.deepEqual(tg.diagonal(tg.zeros([2, 3, 4]), 1, 1, 2).shape, [2, 3]);
    assert.deepEqual(tg.diagonal(tg.zeros([3, 3]), 5).shape, [0]);
    assert.deepEqual(tg.diagEmbed(tg.zeros([2, 3]), 0, 0, 2).shape, [3, 2, 3]);
    assert.deepEqual(tg.meshgrid([tg.zeros([2]), tg.zeros([3]), tg.zeros([4])], { indexing: "xy" }).map((g) => g.shape), [[3, 2, 4], [3, 2, 4], [3, 2, 4]]);
    assert.deepEqual(tg.kron(tg.ones([2]), tg.ones([3, 2])).shape, [3, 4]);
  });

  test("PyTorch's other names run the same ops", () => {
    const a = tg.tensor([[1.5, -2], [0.25, 4]]);
    const b = tg.tensor([[2, 2], [-1, 0.5]]);
    const same = (x: tg.Tensor, y: tg.Tensor) => assert.deepEqual(x.tolist(), y.tolist());
    same(a.multiply(b), a.mul(b));
    same(a.subtract(b, 2), a.sub(b, 2));
    same(a.divide(b), a.div(b));
    same(tg.trueDivide(a, b), a.div(b));
    same(a.absolute(), a.abs());
    same(a.negative(), a.neg());
    same(a.clip(-1, 1), a.clamp(-1, 1));
    same(a.greaterEqual(b), a.ge(b));
    same(tg.notEqual(a, b), a.ne(b));
    same(tg.concatenate([a, b], 1), tg.cat([a, b], 1));
    same(a.swapdims(0, 1), a.t());
    assert.equal(a.positive(), a);
  });

  test("errors name the op and what is wrong", () => {
    const x = tg.zeros([2, 3]);
    throwsLike(() => x.flip([1, -1]), tg.ValueError, /flip: dim 1 appears more than once/);
    throwsLike(() => x.roll([1, 2], [0]), tg.ValueError, /roll: 2 shift\(s\) for 1 dim\(s\)/);
    throwsLike(() => x.rot90(1, [1, 1]), tg.ValueError, /rot90: the two dims must differ/);
    throwsLike(() => tg.zeros([3]).tril(), tg.ShapeError, /tril: the input must have at least 2 dims, got shape \[3\]/);
    throwsLike(() => tg.zeros([2, 2, 2]).diag(), tg.ShapeError, /diag: the input must be 1-D or 2-D/);
    throwsLike(() => tg.zeros([2, 2, 2]).trace(), tg.ShapeError, /trace: the input must be a matrix/);
    throwsLike(() => x.movedim([0, 1], [1]), tg.ValueError, /movedim: 2 source dim\(s\) but 1 destination/);
    throwsLike(() => x.tensorSplit(0), tg.ValueError, /sections must be a positive integer, got 0/);
    throwsLike(() => x.hsplit(2), tg.ValueError, /hsplit: 2 sections do not divide dim 1 of size 3/);
    throwsLike(() => tg.meshgrid([x]), tg.ShapeError, /meshgrid: input 0 must be 0-D or 1-D/);
    throwsLike(() => x.repeatInterleave(tg.tensor([1, 2], { dtype: "int32" }), 1), tg.ShapeError, /repeatInterleave: 2 repeats for dim 1 of size 3/);
    throwsLike(() => x.repeatInterleave(-1), tg.ValueError, /non-negative integers/);
  });
});

describe("products", () => {
  /** einsum by its definition: loops over every label's values. */
  function slowEinsum(equation: string, ...xs: tg.Tensor[]): number[] {
    const [lhs, rhs] = equation.split("->") as [string, string];
    const terms = lhs.split(",");
    const size = new Map<string, number>();
    terms.forEach((t, i) => [...t].forEach((l, j) => size.set(l, xs[i]!.shape[j]!)));
    const labels = [...size.keys()];
    const data = xs.map((x) => x.contiguous().dataSync());
    const outSize = [...rhs].reduce((n, l) => n * size.get(l)!, 1);
    const out = new Array<number>(outSize).fill(0);
    const value = new Map<string, number>();
    const at = (term: string, shape: readonly number[]) => [...term].reduce((k, l, j) => k * shape[j]! + value.get(l)!, 0);
    const visit = (i: number): void => {
      if (i === labels.length) {
        out[at(rhs, [...rhs].map((l) => size.get(l)!))]! += terms.reduce((p, t, k) => p * data[k]![at(t, xs[k]!.shape)]!, 1);
        return;
      }
      for (let v = 0; v < size.get(labels[i]!)!; v++) {
        value.set(labels[i]!, v);
        visit(i + 1);
      }
    };
    visit(0);
    return out;
  }

  test("einsum equals the definition on random equations (two and three operands)", () => {
    tg.manualSeed(7);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pool = "abcde";
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + Math.floor(rand() * 2);
      const terms = Array.from({ length: n }, () => {
        const k = 1 + Math.floor(rand() * 3);
        return [...new Set(Array.from({ length: k }, () => pool[Math.floor(rand() * pool.length)]!))].join("");
      });
      const all = [...new Set(terms.join(""))];
      const out = all.filter(() => rand() < 0.5).join("");
      const size = Object.fromEntries(all.map((l) => [l, 1 + Math.floor(rand() * 3)]));
      const xs = terms.map((t) => tg.randn([...t].map((l) => size[l]!), { dtype: "float64" }));
      const equation = `${terms.join(",")}->${out}`;
      const got = tg.einsum(equation, ...xs).contiguous().dataSync();
      const want = slowEinsum(equation, ...xs);
      assert.equal(got.length, want.length, equation);
      want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-9, `${equation}: element ${i} is ${got[i]}, the definition gives ${w}`));
    }
  });

  test("addmm with beta 0 ignores the input, NaNs too (as PyTorch)", () => {
    const out = tg.addmm(tg.full([2, 2], NaN), tg.eye(2), tg.ones([2, 2]), { beta: 0 });
    assert.deepEqual(out.tolist(), [[1, 1], [1, 1]]);
  });

  test("errors name the op and what is wrong", () => {
    throwsLike(() => tg.dot(tg.zeros([3]), tg.zeros([4])), tg.ShapeError, /dot: vectors of lengths 3 and 4/);
    throwsLike(() => tg.outer(tg.zeros([2, 2]), tg.zeros([2])), tg.ShapeError, /outer: the first argument must be 1-D/);
    throwsLike(() => tg.mv(tg.zeros([2, 3]), tg.zeros([2])), tg.ShapeError, /mv|matmul/);
    throwsLike(() => tg.tensordot(tg.zeros([2, 3]), tg.zeros([4, 2]), 1), tg.ShapeError, /tensordot: dim 1 of a \(size 3\) and dim 0 of b \(size 4\) differ/);
    throwsLike(() => tg.einsum("ij,jk->ik", tg.zeros([2, 3])), tg.ValueError, /has 2 operand\(s\), got 1 tensor/);
    throwsLike(() => tg.einsum("ij->i", tg.zeros([2])), tg.ShapeError, /"ij" names 2 dims, but its operand has 1/);
    throwsLike(() => tg.einsum("i1->i", tg.zeros([2, 2])), tg.ValueError, /subscripts are letters/);
    throwsLike(() => tg.einsum("ij->k", tg.zeros([2, 2])), tg.ValueError, /output label k is not in any operand/);
    throwsLike(() => tg.einsum("ij,jk->ik", tg.zeros([2, 3]), tg.zeros([4, 2])), tg.ShapeError, /label j names dims of sizes 3 and 4/);
    throwsLike(() => tg.einsum("ii->i", tg.zeros([2, 3])), tg.ShapeError, /label i names dims of sizes 2 and 3 in one operand/);
  });
});
