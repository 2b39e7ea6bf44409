/** torch.autograd.functional and torch.func over tensorgrad's engine, against closed forms. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const A = tg.autograd.functional;
const x64 = (data: number[]) => tg.tensor(data, { dtype: "float64" });
const close = (a: Tensor, b: number[] | number[][], tol = 1e-9) => {
  const got = (a.flatten().tolist() as number[]);
  const want = (b as number[][]).flat ? (b as number[][]).flat() as number[] : (b as number[]);
  assert.equal(got.length, want.length, `length ${got.length} vs ${want.length}`);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `element ${i}: ${v} vs ${want[i]}`));
};

describe("autograd.functional", () => {
  const x = x64([0.5, -1, 2]);
  const cube = (t: Tensor) => t.pow(3).sum();

  test("jacobian of a vector function: output.shape + input.shape", () => {
    const J = A.jacobian((t) => tg.stack([t.prod(), t.sum()]), x) as Tensor;
    assert.deepEqual(J.shape, [2, 3]);
    close(J, [[-2, 1, -0.5], [1, 1, 1]]);
    const parts = A.jacobian((a, b) => a.mul(b!), [x, x64([1, 2, 3])]) as Tensor[];
    close(parts[0]!, [[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
    close(parts[1]!, [[0.5, 0, 0], [0, -1, 0], [0, 0, 2]]);
  });

  test("hessian of Σx³ is diag(6x); vhp and hvp are H·v", () => {
    close(A.hessian(cube, x) as Tensor, [[3, 0, 0], [0, -6, 0], [0, 0, 12]]);
    const [value, hv] = A.vhp(cube, x, x64([1, 1, 1]));
    close(value, [0.125 - 1 + 8]);
    close(hv as Tensor, [3, -6, 12]);
  });

  test("vjp and jvp: vᵀJ and Jv", () => {
    const f = (t: Tensor) => t.mul(t).mul(x64([1, 2, 3]));
    const [out, vj] = A.vjp(f, x, x64([1, 0, 1]));
    close(out, [0.25, 2, 12]);
    close(vj as Tensor, [1, 0, 12]);
    const [, jv] = A.jvp(f, x, x64([1, 1, 0]));
    close(jv, [1, -4, 0]);
  });

  test("strict: an output independent of the input is an error; otherwise zeros", () => {
    const constant = (t: Tensor) => x64([1, 2]).add(t.detach().sum());
    close(A.jacobian(constant, x) as Tensor, [[0, 0, 0], [0, 0, 0]]);
    assert.throws(() => A.jacobian(constant, x, { strict: true }), /does not depend/);
  });
});

describe("func transforms", () => {
  test("grad, grad of grad, and argnums", () => {
    const f = (t: Tensor) => t.sin().sum();
    close(tg.func.grad(f)(x64([0, 1])) as Tensor, [1, Math.cos(1)]);
    const second = tg.func.grad((t: Tensor) => (tg.func.grad(f)(t) as Tensor).sum());
    close(second(x64([0, 1])) as Tensor, [0, -Math.sin(1)]);
    const both = tg.func.grad((a: Tensor, b: Tensor) => a.mul(b).sum(), { argnums: [0, 1] })(x64([2]), x64([3])) as Tensor[];
    close(both[0]!, [3]);
    close(both[1]!, [2]);
  });

  test("vmap maps over a dim (shared arguments with null) and stacks along outDims", () => {
    const w = x64([1, 2]);
    const rows = x64([1, 2, 3, 4, 5, 6]).reshape([3, 2]);
    const out = tg.func.vmap((r: Tensor, v: Tensor) => r.dot(v), { inDims: [0, null] })(rows, w) as Tensor;
    close(out, [5, 11, 17]);
    const cols = tg.func.vmap((c: Tensor) => c.mul(2), { inDims: 1, outDims: 1 })(rows) as Tensor;
    close(cols, [2, 4, 6, 8, 10, 12]);
    const perExample = tg.func.vmap(tg.func.grad((r: Tensor) => r.square().sum()) as (r: Tensor) => Tensor)(rows) as Tensor;
    close(perExample, [2, 4, 6, 8, 10, 12]);
  });

  test("jacrev, hessian, vjp and jvp as functions", () => {
    close(tg.func.jacrev((t: Tensor) => t.exp())(x64([0, 1])) as Tensor, [[1, 0], [0, Math.E]], 1e-12);
    close(tg.func.hessian((t: Tensor) => t.pow(3).sum())(x64([1, 2])) as Tensor, [[6, 0], [0, 12]]);
    const [out, pull] = tg.func.vjp((t: Tensor) => t.mul(3), x64([1, 2]));
    close(out, [3, 6]);
    close(pull(x64([1, 1]))[0]!, [3, 3]);
    close(tg.func.jvp((t: Tensor) => t.square(), [x64([3])], [x64([1])])[1], [6]);
  });
});
