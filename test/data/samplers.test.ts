/** torch.utils.data's samplers, ChainDataset, StackDataset and defaultConvert, and the DataLoader's batchSampler. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { data } = tg;
const range = (n: number) => ({ length: n });
const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

describe("samplers", () => {
  test("SequentialSampler and RandomSampler: every index once per pass, seeded, numSamples over several passes", () => {
    assert.deepEqual([...new data.SequentialSampler(range(4))], [0, 1, 2, 3]);
    const a = [...new data.RandomSampler(range(10), { generator: new tg.Generator(5) })];
    const b = [...new data.RandomSampler(range(10), { generator: new tg.Generator(5) })];
    assert.deepEqual(a, b);
    assert.deepEqual(sorted(a), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const long = [...new data.RandomSampler(range(4), { numSamples: 10, generator: new tg.Generator(1) })];
    assert.equal(long.length, 10);
    assert.deepEqual(sorted(long.slice(0, 4)), [0, 1, 2, 3]);
    assert.deepEqual(sorted(long.slice(4, 8)), [0, 1, 2, 3]);
    const drawn = [...new data.RandomSampler(range(3), { replacement: true, numSamples: 50 })];
    assert.ok(drawn.length === 50 && drawn.every((i) => i >= 0 && i < 3));
    assert.deepEqual(sorted(new data.SubsetRandomSampler([7, 3, 9])), [3, 7, 9]);
    assert.throws(() => new data.RandomSampler(range(3), { numSamples: 0 }), /numSamples must be a positive integer, got 0/);
  });

  test("WeightedRandomSampler: frequencies follow the weights with replacement; distinct indices without", () => {
    const weights = [1, 0, 3, 6];
    const counts = [0, 0, 0, 0];
    for (const i of new data.WeightedRandomSampler(weights, 40000, true, new tg.Generator(3))) counts[i]!++;
    weights.forEach((w, i) => assert.ok(Math.abs(counts[i]! / 40000 - w / 10) < 0.01, `index ${i}: ${counts[i]! / 40000} vs ${w / 10}`));
    const firsts = [0, 0, 0, 0];
    for (let trial = 0; trial < 4000; trial++) {
      const draw = [...new data.WeightedRandomSampler(weights, 3, false, new tg.Generator(trial))];
      assert.deepEqual(sorted(draw), [0, 2, 3]); // the zero weight is never drawn
      firsts[draw[0]!]!++;
    }
    // The first draw of sampling without replacement follows the weights too.
    weights.forEach((w, i) => assert.ok(Math.abs(firsts[i]! / 4000 - w / 10) < 0.03, `first draw ${i}: ${firsts[i]! / 4000}`));
    assert.throws(() => new data.WeightedRandomSampler([1, 0], 2, false), /cannot draw 2 samples without replacement from 1 with positive weight/);
    assert.throws(() => new data.WeightedRandomSampler([1, -1], 1), /finite, non-negative/);
  });

  test("BatchSampler, and the DataLoader's batchSampler and sampler options", () => {
    const batches = new data.BatchSampler(new data.SequentialSampler(range(7)), 3);
    assert.deepEqual([...batches], [[0, 1, 2], [3, 4, 5], [6]]);
    assert.equal(new data.BatchSampler(new data.SequentialSampler(range(7)), 3, true).length, 2);
    const ds = new data.TensorDataset(tg.arange(7));
    const loader = new data.DataLoader(ds, { batchSampler: batches });
    assert.equal(loader.length, 3);
    assert.deepEqual([...loader].map(([x]) => x.tolist()), [[0, 1, 2], [3, 4, 5], [6]]);
    assert.throws(() => new data.DataLoader(ds, { batchSampler: batches, batchSize: 2 }), /batchSampler option is mutually exclusive with batchSize/);
    const weighted = new data.DataLoader(ds, { sampler: new data.WeightedRandomSampler([0, 0, 0, 0, 0, 0, 1], 4), batchSize: 2 });
    assert.deepEqual([...weighted].map(([x]) => x.tolist()), [[6, 6], [6, 6]]);
  });
});

describe("datasets and conversion", () => {
  test("ChainDataset streams its datasets in turn", async () => {
    class Count extends data.IterableDataset<number> {
      constructor(private readonly from: number, private readonly to: number) {
        super();
      }
      async *[Symbol.asyncIterator](): AsyncIterator<number> {
        for (let i = this.from; i < this.to; i++) yield i;
      }
    }
    const seen: number[] = [];
    for await (const x of new data.ChainDataset([new Count(0, 2), new Count(5, 7)])) seen.push(x);
    assert.deepEqual(seen, [0, 1, 5, 6]);
  });

  test("StackDataset: tuples or named samples of datasets of one length", () => {
    const a = new data.TensorDataset(tg.arange(3));
    const b = new data.TensorDataset(tg.arange(3).mul(10));
    const pair = new data.StackDataset<[[tg.Tensor], [tg.Tensor]]>(a, b).get(2) as [[tg.Tensor], [tg.Tensor]];
    assert.deepEqual([pair[0][0].item(), pair[1][0].item()], [2, 20]);
    const named = new data.StackDataset<{ x: [tg.Tensor]; y: [tg.Tensor] }>({ x: a, y: b }).get(1) as { x: [tg.Tensor]; y: [tg.Tensor] };
    assert.deepEqual([named.x[0].item(), named.y[0].item()], [1, 10]);
    assert.throws(() => new data.StackDataset(a, new data.TensorDataset(tg.arange(4))), /every dataset must have the same length; 0 has 3, 1 has 4/);
  });

  test("defaultConvert turns typed arrays into tensors through arrays and objects; getWorkerInfo is null in the calling thread", () => {
    const out = data.defaultConvert({ image: new Float32Array([1, 2]), label: 3, parts: [new Int32Array([4])] }) as { image: tg.Tensor; label: number; parts: tg.Tensor[] };
    assert.deepEqual([out.image.tolist(), out.label, out.parts[0]!.dtype], [[1, 2], 3, "int32"]);
    assert.equal(data.getWorkerInfo(), null);
  });
});

describe("DistributedSampler", () => {
  test("the ranks' shares are disjoint, equally long, and cover the data (padded, or dropping the tail)", () => {
    const data = { length: 10 };
    const shares = [0, 1, 2].map((rank) => [...new tg.data.DistributedSampler(data, { numReplicas: 3, rank, seed: 4 })]);
    assert.deepEqual(shares.map((s) => s.length), [4, 4, 4]);
    assert.deepEqual(new Set(shares.flat()).size, 10);
    const dropped = [0, 1, 2].map((rank) => [...new tg.data.DistributedSampler(data, { numReplicas: 3, rank, dropLast: true, shuffle: false })]);
    assert.deepEqual(dropped, [[0, 3, 6], [1, 4, 7], [2, 5, 8]]);
  });

  test("setEpoch changes the order; the same seed and epoch repeat it; a bad rank is an error", () => {
    const s = new tg.data.DistributedSampler({ length: 20 }, { numReplicas: 2, rank: 0 });
    const first = [...s];
    assert.deepEqual([...s], first);
    s.setEpoch(1);
    assert.notDeepEqual([...s], first);
    assert.throws(() => new tg.data.DistributedSampler({ length: 4 }, { numReplicas: 2, rank: 2 }), /interval \[0, 1\]/);
  });
});
