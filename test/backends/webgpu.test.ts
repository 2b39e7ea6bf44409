/**
 * The WebGPU backend's tests: the kernel
 * conformance suite (every kernel against the reference, reads awaited), and a model trained on the
 * GPU as on the CPU. Here the adapter is Mesa's software Vulkan driver (lavapipe), which
 * tools/system-deps.sh installs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { kernelConformanceSuite } from "./kernel-suite.js";

const gpu = await tg.loadBackend("webgpu");

test(`the adapter: ${(gpu as unknown as { gpu: { description: string } }).gpu.description}`, () => {
  assert.ok(tg.readyBackends().includes("webgpu"));
});

kernelConformanceSuite("webgpu");

test("tensors move to the GPU and back; synchronous reads say to await", async () => {
  const x = tg.tensor([[1, 2, 3], [4, 5, 6]]);
  const g = x.to("webgpu");
  assert.equal(g.backend.name, "webgpu");
  assert.throws(() => g.dataSync(), tg.DeviceError);
  assert.throws(() => g.item(), tg.DeviceError);
  assert.deepEqual(await g.tolistAsync(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(await g.sum().itemAsync(), 21);
  const back = await g.mul(2).toAsync("cpu");
  assert.deepEqual(back.tolist(), [[2, 4, 6], [8, 10, 12]]);
  assert.throws(() => tg.tensor([1], { dtype: "float64" }).to("webgpu"), tg.DTypeError);
});

test("a small classifier trains on the GPU as on the CPU (forward, backward, Adam)", async () => {
  const run = async (device: string) => {
    tg.manualSeed(3);
    const model = new tg.nn.Sequential(new tg.nn.Linear(6, 16), new tg.nn.ReLU(), new tg.nn.Linear(16, 3));
    model.to(device);
    const opt = new tg.optim.Adam(model.parameters(), { lr: 0.05 });
    const [x, y] = [tg.randn([32, 6]).to(device), tg.randint(0, 3, [32]).to(device)];
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      opt.zeroGrad();
      const loss = tg.nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      losses.push(await loss.itemAsync());
    }
    return losses;
  };
  const cpu = await run("cpu");
  const gpuLosses = await run("webgpu");
  gpuLosses.forEach((l, i) => assert.ok(Math.abs(l - cpu[i]!) < 1e-4, `step ${i}: GPU loss ${l}, CPU ${cpu[i]}`));
  assert.ok(gpuLosses[7]! < gpuLosses[0]!, `the loss falls: ${gpuLosses}`);
});
