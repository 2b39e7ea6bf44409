/** Datasets and the DataLoader: composition, seeded shuffling, collation, async prefetching. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { data } = tg;

describe("datasets", () => {
  test("TensorDataset, Subset, ConcatDataset", () => {
    const ds = new data.TensorDataset(tg.arange(10).reshape(5, 2), tg.arange(5, undefined, 1, { dtype: "int32" }));
    assert.equal(ds.length, 5);
    const [x, y] = ds.get(3);
    assert.deepEqual(x!.tolist(), [6, 7]);
    assert.equal(y!.item(), 3);
    assert.throws(() => ds.get(5), /index 5 is out of range for a dataset of 5 items/);
    assert.throws(() => new data.TensorDataset(tg.zeros([3]), tg.zeros([4])), /size mismatch/);
    const sub = new data.Subset(ds, [4, 0]);
    assert.equal((sub.get(0) as tg.Tensor[])[1]!.item(), 4);
    const cat = new data.ConcatDataset([ds, sub]);
    assert.equal(cat.length, 7);
    assert.equal((cat.get(6) as tg.Tensor[])[1]!.item(), 0);
  });

  test("randomSplit by lengths or fractions is seeded and disjoint", () => {
    const ds = new data.TensorDataset(tg.arange(10));
    const [a, b] = data.randomSplit(ds, [0.7, 0.3], new tg.Generator(1));
    assert.equal(a!.length, 7);
    assert.equal(b!.length, 3);
    assert.deepEqual(new Set([...a!.indices, ...b!.indices]).size, 10);
    const [a2] = data.randomSplit(ds, [7, 3], new tg.Generator(1));
    assert.deepEqual(a2!.indices, a!.indices);
    assert.throws(() => data.randomSplit(ds, [5, 4]), /do not add up to the dataset's 10 items/);
  });
});

describe("DataLoader", () => {
  const ds = new data.TensorDataset(tg.arange(20).reshape(10, 2), tg.arange(10, undefined, 1, { dtype: "int32" }));

  test("batches, lengths and dropLast", () => {
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    const batches = [...loader] as tg.Tensor[][];
    assert.equal(loader.length, 3);
    assert.deepEqual(batches.map(([x]) => x!.shape), [[4, 2], [4, 2], [2, 2]]);
    assert.deepEqual(batches[0]![1]!.tolist(), [0, 1, 2, 3]);
    assert.equal([...new data.DataLoader(ds, { batchSize: 4, dropLast: true })].length, 2);
    assert.throws(() => new data.DataLoader(ds, { batchSize: 0 }), /batchSize must be a positive integer/);
  });

  test("shuffle is reproducible with a seed and differs between epochs", () => {
    const order = (loader: tg.data.DataLoader<[tg.Tensor, tg.Tensor]>) => [...loader].flatMap(([, y]) => y.tolist() as number[]);
    const l1 = new data.DataLoader(ds, { batchSize: 3, shuffle: true, generator: new tg.Generator(5) });
    const l2 = new data.DataLoader(ds, { batchSize: 3, shuffle: true, generator: new tg.Generator(5) });
    const e1 = order(l1);
    assert.deepEqual(e1, order(l2));
    assert.deepEqual([...e1].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.notDeepEqual(order(l1), e1);
  });

  test("default collate handles numbers, booleans, strings, arrays and objects; custom collate", () => {
    assert.deepEqual((data.defaultCollate([1, 2]) as tg.Tensor).dtype, "int32");
    assert.deepEqual((data.defaultCollate([0.5, 2]) as tg.Tensor).dtype, "float32");
    assert.deepEqual((data.defaultCollate([true, false]) as tg.Tensor).tolist(), [true, false]);
    assert.deepEqual(data.defaultCollate(["a", "b"]), ["a", "b"]);
    const batch = data.defaultCollate([{ x: tg.ones([2]), y: 1, name: "a" }, { x: tg.zeros([2]), y: 0, name: "b" }]) as Record<string, unknown>;
    assert.deepEqual((batch.x as tg.Tensor).shape, [2, 2]);
    assert.deepEqual((batch.y as tg.Tensor).tolist(), [1, 0]);
    assert.deepEqual(batch.name, ["a", "b"]);
    const sums = [...new data.DataLoader(ds, { batchSize: 5, collateFn: (s) => s.length })];
    assert.deepEqual(sums, [5, 5]);
  });

  test("async datasets are prefetched in order with for await", async () => {
    class Slow extends data.Dataset<number> {
      started: number[] = [];
      get length() {
        return 6;
      }
      async get(i: number) {
        this.started.push(i);
        await new Promise((r) => setTimeout(r, 5));
        return i;
      }
    }
    const slow = new Slow();
    const loader = new data.DataLoader(slow, { batchSize: 2, prefetch: 2 });
    const seen: number[][] = [];
    for await (const b of loader) {
      seen.push((b as tg.Tensor).tolist() as number[]);
      // The next batch was requested before this one was handed over.
      if (seen.length === 1) assert.ok(slow.started.length >= 4);
    }
    assert.deepEqual(seen, [[0, 1], [2, 3], [4, 5]]);
    assert.throws(() => [...loader], /asynchronous; iterate with for await/);
  });

  test("an IterableDataset streams into batches", async () => {
    class Counter extends data.IterableDataset<number> {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 5; i++) yield i;
      }
    }
    const out: number[][] = [];
    for await (const b of new data.DataLoader(new Counter(), { batchSize: 2 })) out.push((b as tg.Tensor).tolist() as number[]);
    assert.deepEqual(out, [[0, 1], [2, 3], [4]]);
    assert.throws(() => new data.DataLoader(new Counter(), { shuffle: true }), /cannot be shuffled/);
    assert.throws(() => new data.DataLoader(new Counter()).length, /has no length/);
  });
});
