/**
 * One rank of the DDP-features test (mpirun): gradient accumulation with noSync equals one process
 * accumulating the same micro-batches; a forward that leaves a parameter unused fails the next step
 * without findUnusedParameters and trains with it. Rank 0 prints the weights as JSON.
 */
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { GLOBAL_BATCH, SmallCNN, data, sgd, weights } from "./train-step.js";

const { rank, size } = tg.distributed.initProcessGroup();
const [x, y] = data();
const share = GLOBAL_BATCH / size;
tg.manualSeed(1);
const model = new SmallCNN();
const ddp = new tg.distributed.DistributedDataParallel(model);
const opt = sgd(model.parameters());
const loss = (at: number) => tg.nn.functional.crossEntropy(ddp.forward(x.narrow(0, at + rank * share, share)) as tg.Tensor, y.narrow(0, at + rank * share, share));
for (let step = 0; step < 2; step++) {
  opt.zeroGrad();
  ddp.noSync(() => loss(2 * step * GLOBAL_BATCH).backward()); // local only
  loss((2 * step + 1) * GLOBAL_BATCH).backward(); // averages the sum of both
  opt.step();
}

// A branch the forward skips: an error at the next forward, unless findUnusedParameters.
class Branchy extends tg.nn.Module {
  used = new tg.nn.Linear(4, 2);
  unused = new tg.nn.Linear(4, 2);
  forward(input: tg.Tensor): tg.Tensor {
    return this.used.forward(input);
  }
}
const strict = new tg.distributed.DistributedDataParallel(new Branchy());
strict.forward(tg.ones([2, 4])).sum().backward();
assert.throws(() => strict.forward(tg.ones([2, 4])), /produced gradients for 2 of 4 parameters \(2 unused\).*findUnusedParameters: true/);
const lenient = new tg.distributed.DistributedDataParallel(new Branchy(), { findUnusedParameters: true });
for (let i = 0; i < 2; i++) {
  const input = tg.full([2, 4], rank + 1);
  lenient.forward(input).sum().backward();
}
const used = lenient.module.used.weight.grad!;
// Two backwards, each averaging Σ over the batch of rank + 1: 2 · 2 · mean(rank + 1).
assert.ok(Math.abs(used.max().item() - 4 * ((size + 1) / 2)) < 1e-5, `used grad ${used.max().item()}`);
assert.equal(lenient.module.unused.weight.grad, null);
if (rank === 0) console.log(JSON.stringify(weights(model)));
tg.distributed.destroyProcessGroup();
