/** DistributedSampler's shares (torch.utils.data.distributed.DistributedSampler's rules) and DataLoader's sampler option. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { DistributedSampler } = tg.distributed;
const shares = (length: number, numReplicas: number, opts: { dropLast?: boolean; shuffle?: boolean; seed?: number } = {}) =>
  Array.from({ length: numReplicas }, (_, rank) => [...new DistributedSampler({ length }, { numReplicas, rank, shuffle: false, ...opts })]);

test("padding repeats the start; dropLast cuts the tail; every rank gets as many", () => {
  assert.deepEqual(shares(10, 4), [[0, 4, 8], [1, 5, 9], [2, 6, 0], [3, 7, 1]]);
  assert.deepEqual(shares(10, 4, { dropLast: true }), [[0, 4], [1, 5], [2, 6], [3, 7]]);
  assert.deepEqual(shares(2, 5), [[0], [1], [0], [1], [0]]); // more padding than data: repeated whole
  assert.deepEqual(shares(8, 4, { dropLast: true }), [[0, 4], [1, 5], [2, 6], [3, 7]]);
  const s = new DistributedSampler({ length: 10 }, { numReplicas: 4, rank: 1, dropLast: true });
  assert.equal(s.length, 2);
  assert.equal(s.totalSize, 8);
});

test("shuffled: one permutation per (seed, epoch), the same on every rank, new with setEpoch", () => {
  const epoch = (e: number) =>
    Array.from({ length: 3 }, (_, rank) => {
      const s = new DistributedSampler({ length: 9 }, { numReplicas: 3, rank, seed: 5 });
      s.setEpoch(e);
      return [...s];
    });
  const e0 = epoch(0);
  assert.deepEqual(e0.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(epoch(0), e0);
  assert.notDeepEqual(epoch(1), e0);
});

test("bad ranks and replica counts are errors naming the interval", () => {
  assert.throws(() => new DistributedSampler({ length: 4 }, { numReplicas: 2, rank: 2 }), /invalid rank 2, rank should be in the interval \[0, 1\]/);
  assert.throws(() => new DistributedSampler({ length: 4 }, { numReplicas: 0, rank: 0 }), /numReplicas must be a positive integer/);
});

test("DataLoader takes a sampler: its order, its length; not with shuffle", () => {
  const ds = new tg.data.TensorDataset(tg.arange(10));
  const sampler = new DistributedSampler(ds, { numReplicas: 2, rank: 1, shuffle: false });
  const loader = new tg.data.DataLoader(ds, { batchSize: 2, sampler });
  assert.equal(loader.length, 3);
  assert.deepEqual([...loader].map(([x]) => x.tolist()), [[1, 3], [5, 7], [9]]);
  assert.throws(() => new tg.data.DataLoader(ds, { sampler, shuffle: true }), /mutually exclusive/);
});
