/** The one-process world (no launcher, no binding): every API runs and changes nothing. */
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { GLOBAL_BATCH, SmallCNN, train, weights } from "./train-step.js";

delete process.env.TENSORGRAD_MPI;
const d = tg.distributed;
const world = d.initProcessGroup();
assert.equal(d.getRank(), 0);
assert.equal(d.getWorldSize(), 1);
const t = tg.tensor([1, 2, 3]);
d.allReduce(t, { op: "avg" });
d.broadcast(t, 0);
const outs = [tg.zeros([3])];
d.allGather(outs, t);
assert.deepEqual(outs[0]!.tolist(), [1, 2, 3]);
d.barrier();
await d.allReduce(t, { asyncOp: true })!.wait();
assert.deepEqual(t.tolist(), [1, 2, 3]);
tg.manualSeed(1);
const model = new SmallCNN();
train(new d.DistributedDataParallel(model), model.parameters(), 0, GLOBAL_BATCH);
tg.manualSeed(1);
const bare = new SmallCNN();
train(bare, bare.parameters(), 0, GLOBAL_BATCH);
assert.deepEqual(weights(model), weights(bare));
const sampler = new d.DistributedSampler({ length: 5 }, { shuffle: false });
assert.deepEqual([...sampler], [0, 1, 2, 3, 4]);
console.log(`ok rank ${world.rank} of ${world.size}`);
