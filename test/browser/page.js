// Runs in a browser page (and, for comparison, in Node): what the wasm backend does there.
// `tg` is the package's barrel, loaded from dist/ as plain ES modules.

/** A few Adam steps of a small MLP on a fixed problem, and the threads' behaviour. */
export async function workload(tg) {
  const out = {};
  const backend = tg.getBackend();
  out.backend = backend.name;
  out.relaxedSimd = backend.relaxedSimd;
  out.threads = tg.getNumThreads();
  tg.setNumThreads(1);

  tg.manualSeed(0);
  const model = new tg.nn.Sequential(new tg.nn.Linear(8, 32), new tg.nn.ReLU(), new tg.nn.Linear(32, 3));
  const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-2 });
  const x = tg.randn([64, 8]);
  const y = x.narrow(1, 0, 3).argmax(1);
  out.losses = [];
  for (let step = 0; step < 30; step++) {
    out.losses.push(tg.scope(() => {
      opt.zeroGrad();
      const loss = tg.nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    }));
  }

  // 800 MiB of garbage, 2 MiB a step: with a scope per step (the rule for loops in a page, where
  // no synchronous collection exists) the memory stays flat; without, the garbage waits for the
  // engine's collections (measured, not asserted).
  const big = tg.ones([512, 1024]);
  const loop = async (scoped) => {
    const before = backend.heap.memory.buffer.byteLength;
    let check = 0;
    for (let i = 0; i < 400; i++) {
      const step = () => {
        const t = big.mul(i).add(1);
        return i % 100 === 0 ? t.sum().item() / (512 * 1024) : 0;
      };
      check += scoped ? tg.scope(step) : step();
      if (i % 4 === 3) await new Promise((r) => setTimeout(r, 0));
    }
    return { check, grewMiB: (backend.heap.memory.buffer.byteLength - before) / 2 ** 20 };
  };
  out.scopedLoop = await loop(true);
  out.unscopedLoop = await loop(false);

  tg.manualSeed(1);
  const a = tg.randn([300, 256]);
  const b = tg.randn([256, 200]);
  const one = a.matmul(b).dataSync();
  try {
    tg.setNumThreads(2);
    await backend.startThreads();
    out.readyThreads = backend.readyThreads;
    const two = a.matmul(b).dataSync();
    out.threadedEqualsOneThread = one.every((v, i) => v === two[i]);
  } catch (e) {
    out.threadError = e.message;
  }
  return out;
}
