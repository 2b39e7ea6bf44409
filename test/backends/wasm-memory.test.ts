/**
 * The wasm backend's memory: tensors are reclaimed without tidy() or dispose() (a training loop
 * holds the heap flat), dispose() frees at once, and a disposed tensor says so.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { WasmBackend } from "../../src/backend/wasm/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
const settle = async () => {
  gc!();
  await new Promise((r) => setTimeout(r, 0)); // FinalizationRegistry callbacks run in a later task
  gc!();
  await new Promise((r) => setTimeout(r, 0));
};

test("a training loop on the wasm backend holds its heap flat (no tidy needed)", async () => {
  assert.ok(gc, "run node with --expose-gc (npm test does)");
  const previous = tg.getBackend().name;
  tg.setBackend("wasm");
  try {
    const heap = (tg.getBackend() as WasmBackend).heap;
    tg.manualSeed(0);
    const model = new tg.nn.Sequential(new tg.nn.Linear(32, 64), new tg.nn.ReLU(), new tg.nn.Linear(64, 4));
    const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = tg.randn([16, 32]);
    const y = tg.randint(0, 4, [16]);
    const step = () => {
      opt.zeroGrad();
      tg.nn.functional.crossEntropy(model.forward(x), y).backward();
      opt.step();
    };
    for (let i = 0; i < 20; i++) step();
    await settle();
    const baseline = heap.live;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 40; i++) step();
      await settle();
    }
    assert.ok(heap.live <= baseline * 1.2 + 65536, `heap grew from ${baseline} to ${heap.live} bytes over 200 steps`);
  } finally {
    tg.setBackend(previous);
  }
});

test("dispose frees at once; a disposed tensor is an error, not garbage", () => {
  const previous = tg.getBackend().name;
  tg.setBackend("wasm");
  try {
    const heap = (tg.getBackend() as WasmBackend).heap;
    const before = heap.live;
    const t = tg.ones([1000]);
    assert.ok(heap.live >= before + 4000);
    t.dispose();
    assert.equal(heap.live, before);
    assert.throws(() => t.sum(), /disposed/);
    // Data read out survives later growth of the memory.
    const kept = tg.arange(10).dataSync();
    tg.zeros([8 * 1024 * 1024]); // 32 MiB: forces the memory to grow
    assert.deepEqual(Array.from(kept), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  } finally {
    tg.setBackend(previous);
  }
});

test("a synchronous loop without scopes is collected as it runs (Node): the memory stays bounded and the values right", () => {
  const previous = tg.getBackend().name;
  tg.setBackend("wasm");
  try {
    const backend = tg.getBackend() as WasmBackend;
    assert.ok(backend.reclaimer.synchronous, "Node offers gc() (--expose-gc) and a microtask checkpoint (vm afterEvaluate)");
    const collections = backend.reclaimer.collections;
    // 3,000 steps of 2 MiB of garbage each: 6 GiB in all, beyond the 4 GiB a wasm32 memory can hold.
    const x = tg.ones([256, 1024]);
    for (let i = 0; i < 3000; i++) {
      const y = x.mul(i).add(1); // each step's tensors are garbage by the next
      if (i % 500 === 0) assert.equal(y.sum().item(), (i + 1) * 256 * 1024);
    }
    assert.ok(backend.reclaimer.collections > collections, "the heap collected instead of only growing");
    const mib = backend.heap.memory.buffer.byteLength / 2 ** 20;
    assert.ok(mib < 1024, `the wasm memory grew to ${mib} MiB`);
  } finally {
    tg.setBackend(previous);
  }
});

test("tensors of ever-changing sizes reuse freed memory: free blocks are split and coalesced before the heap grows", () => {
  const previous = tg.getBackend().name;
  tg.setBackend("wasm");
  try {
    const heap = (tg.getBackend() as WasmBackend).heap;
    const start = heap.memory.buffer.byteLength;
    const g = new tg.Generator(1);
    // 3,000 distinct sizes up to 400 KB each, 600 MB in all: without reuse across sizes the heap grows past 600 MB.
    for (let i = 0; i < 3000; i++) {
      const a = tg.zeros([1000 + g.randomInt(100_000)]);
      const b = tg.zeros([500 + g.randomInt(50_000)]);
      a.dispose();
      b.dispose();
    }
    const grown = heap.memory.buffer.byteLength - start;
    assert.ok(grown < 64 * 2 ** 20, `the heap grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
    const t = tg.arange(0, 10);
    assert.deepEqual(Array.from(t.dataSync()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  } finally {
    tg.setBackend(previous);
  }
});
