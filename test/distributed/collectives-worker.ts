/**
 * One rank of the collectives test (started by mpirun): every collective against the value MPI must
 * give, computed locally from the ranks' known inputs; prints "ok" per rank.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as tg from "../../src/index.js";

const d = tg.distributed;
const { rank, size } = d.initProcessGroup();
const mine = () => tg.tensor([rank + 1, -(rank + 1), 2 * rank]);
const sum = (f: (r: number) => number) => Array.from({ length: size }, (_, r) => f(r)).reduce((a, b) => a + b, 0);

let t = mine();
d.allReduce(t);
assert.deepEqual(t.tolist(), [sum((r) => r + 1), -sum((r) => r + 1), sum((r) => 2 * r)]);
t = mine();
d.allReduce(t, { op: "avg" });
assert.deepEqual(t.tolist(), [sum((r) => r + 1) / size, -sum((r) => r + 1) / size, sum((r) => 2 * r) / size]);
t = mine();
d.allReduce(t, { op: "max" });
assert.deepEqual(t.tolist(), [size, -1, 2 * (size - 1)]);
t = tg.tensor([rank + 2], { dtype: "int32" });
d.allReduce(t, { op: "product" });
assert.equal(t.item(), Array.from({ length: size }, (_, r) => r + 2).reduce((a, b) => a * b, 1));

// broadcast from the last rank; a float64 tensor of another shape
const b = rank === size - 1 ? tg.tensor([[1.5, 2.5], [3.5, 4.5]], { dtype: "float64" }) : tg.zeros([2, 2], { dtype: "float64" });
d.broadcast(b, size - 1);
assert.deepEqual(b.tolist(), [[1.5, 2.5], [3.5, 4.5]]);

const outs = Array.from({ length: size }, () => tg.zeros([3]));
d.allGather(outs, mine());
outs.forEach((o, r) => assert.deepEqual(o.tolist(), [r + 1, -(r + 1), 2 * r]));

// reduceScatter: rank r contributes r·10 + i to slot i; slot `rank` arrives here summed.
const out = tg.zeros([2]);
d.reduceScatter(out, Array.from({ length: size }, (_, i) => tg.tensor([rank * 10 + i, 1])));
assert.deepEqual(out.tolist(), [sum((r) => r * 10 + rank), size]);

// send/recv around a ring
const next = (rank + 1) % size;
const prev = (rank + size - 1) % size;
const got = tg.zeros([2]);
if (rank % 2 === 0) {
  d.send(tg.tensor([rank, 7]), next);
  d.recv(got, prev);
} else {
  d.recv(got, prev);
  d.send(tg.tensor([rank, 7]), next);
}
assert.deepEqual(got.tolist(), [prev, 7]);

// asynchronous: two in flight, then waited; results in submission order
const a1 = mine();
const a2 = tg.ones([1000]);
const w1 = d.allReduce(a1, { asyncOp: true })!;
const w2 = d.allReduce(a2, { op: "avg", asyncOp: true })!;
await Promise.all([w1.wait(), w2.wait()]);
assert.equal((a1.tolist() as number[])[0], sum((r) => r + 1));
assert.equal(a2.max().item(), 1);
assert.ok(w1.isCompleted());

// a subgroup of the even ranks
const evens = Array.from({ length: size }, (_, r) => r).filter((r) => r % 2 === 0);
const g = d.newGroup(evens);
if (rank % 2 === 0) {
  assert.equal(g.rank, evens.indexOf(rank));
  const e = tg.tensor([rank]);
  d.allReduce(e, { group: g });
  assert.equal(e.item(), evens.reduce((a, r) => a + r, 0));
} else {
  assert.equal(g.rank, -1);
  assert.throws(() => d.allReduce(tg.tensor([1]), { group: g }), /not a member/);
}
d.barrier();

// An asynchronous operation's failure is not lost: its Promise rejects, and the next synchronous
// call (here a barrier, which every rank makes) throws it too, so a fence cannot miss it.
const mpi = createRequire(import.meta.url)(process.env.TENSORGRAD_MPI!) as { run: (...a: unknown[]) => Promise<number> };
await assert.rejects(mpi.run(true, 5, 0, new Float32Array(1), null, 0, size + 5, 0), /MPI_ERR_RANK/);
assert.throws(() => d.barrier(), /an earlier asynchronous operation failed: MPI_Send: MPI_ERR_RANK/);
d.barrier(); // reported once

// DistributedSampler: the ranks' shares partition the padded permutation
const sampler = new d.DistributedSampler({ length: 10 }, { seed: 3 });
sampler.setEpoch(2);
const shares = Array.from({ length: size }, () => tg.zeros([sampler.length], { dtype: "int32" }));
d.allGather(shares, tg.tensor([...sampler], { dtype: "int32" }));
const all = shares.flatMap((s) => s.tolist() as number[]);
assert.equal(all.length, sampler.totalSize);
assert.deepEqual([...new Set(all)].sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i));
console.log(`ok ${rank}`);
d.destroyProcessGroup();
