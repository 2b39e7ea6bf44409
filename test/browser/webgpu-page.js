// Runs in a browser page: the WebGPU backend there (navigator.gpu), against the same page's wasm backend.
// `tg` is the package's barrel, loaded from dist/ as plain ES modules.

const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), a.length === b.length ? 0 : Infinity);

/** Adam steps of a small MLP and a small CNN on one device; the losses, read asynchronously. */
async function train(tg, device) {
  tg.manualSeed(0);
  const mlp = new tg.nn.Sequential(new tg.nn.Linear(8, 32), new tg.nn.ReLU(), new tg.nn.Linear(32, 3));
  const conv = new tg.nn.Sequential(new tg.nn.Conv2d(1, 4, 3, { padding: 1 }), new tg.nn.ReLU(), new tg.nn.MaxPool2d(2), new tg.nn.Flatten(), new tg.nn.Linear(4 * 4 * 4, 3));
  mlp.to(device);
  conv.to(device);
  const opt = new tg.optim.Adam([...mlp.parameters(), ...conv.parameters()], { lr: 1e-2 });
  const x = tg.randn([64, 8]).to(device);
  const img = tg.randn([64, 1, 8, 8]).to(device);
  const y = tg.randint(0, 3, [64]).to(device);
  const losses = [];
  for (let step = 0; step < 10; step++) {
    opt.zeroGrad();
    const loss = tg.nn.functional.crossEntropy(mlp.forward(x).add(conv.forward(img)), y);
    loss.backward();
    opt.step();
    losses.push(await loss.itemAsync());
  }
  return losses;
}

export async function webgpuWorkload(tg) {
  const out = {};
  const gpu = await tg.device("webgpu");
  out.adapter = gpu.gpu.description;
  out.cpuLosses = await train(tg, "cpu");
  out.gpuLosses = await train(tg, "webgpu");
  tg.manualSeed(1);
  const a = tg.randn([70, 90]);
  const b = tg.randn([90, 33]);
  out.matmulError = maxDiff(Array.from(a.matmul(b).dataSync()), Array.from(await a.to("webgpu").matmul(b.to("webgpu")).data()));
  const s = tg.randn([5, 300]);
  out.sumError = maxDiff(Array.from(s.sum(1).dataSync()), Array.from(await s.to("webgpu").sum(1).data()));
  out.argsortEqual = JSON.stringify(s.argsort(1).tolist()) === JSON.stringify(await s.to("webgpu").argsort(1).tolistAsync());
  try {
    await tg.tensor([1, 2, 3]).to("webgpu").gather(0, tg.tensor([5], { dtype: "int32" }).to("webgpu")).data();
    out.indexError = "none";
  } catch (e) {
    out.indexError = e.name;
  }
  try {
    tg.ones([1]).to("webgpu").item();
    out.syncReadError = "none";
  } catch (e) {
    out.syncReadError = e.name;
  }
  return out;
}
