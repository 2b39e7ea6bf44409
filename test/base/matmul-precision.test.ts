/** tg.setFloat32MatmulPrecision, PyTorch's torch.set_float32_matmul_precision: checked, and float32 on the CPU backends at every setting. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

test("setFloat32MatmulPrecision takes PyTorch's three names and refuses others with a ValueError naming them", () => {
  assert.equal(tg.getFloat32MatmulPrecision(), "highest");
  try {
    for (const p of ["high", "medium", "highest"] as const) {
      tg.setFloat32MatmulPrecision(p);
      assert.equal(tg.getFloat32MatmulPrecision(), p);
    }
    assert.throws(() => tg.setFloat32MatmulPrecision("low" as never), (e: unknown) => e instanceof tg.ValueError && /"highest", "high", "medium", got "low"/.test((e as Error).message));
    assert.equal(tg.getFloat32MatmulPrecision(), "highest");
  } finally {
    tg.setFloat32MatmulPrecision("highest");
  }
});

test("the CPU backends compute float32 products in float32 at every precision (WebAssembly has no half-precision arithmetic)", () => {
  tg.manualSeed(3);
  const [a, b] = [tg.randn([70, 90]), tg.randn([90, 50])];
  const expected = tg.matmul(a, b).dataSync();
  try {
    for (const p of ["high", "medium"] as const) {
      tg.setFloat32MatmulPrecision(p);
      assert.deepEqual(tg.matmul(a, b).dataSync(), expected, p);
    }
  } finally {
    tg.setFloat32MatmulPrecision("highest");
  }
});
