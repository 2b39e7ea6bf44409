/** Edge utilities beyond the PyG fixtures: loops with attributes, sampling, dense layouts, errors. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, flat } from "../helpers.js";

const { geometric: G } = tg;
const U = G.utils;
const edges = (pairs: [number, number][]) => tg.tensor(Int32Array.from([...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])]), { dtype: "int32", shape: [2, pairs.length] });

describe("geometric.utils", () => {
  test("self loops: removed with their attributes; the remaining ones added, existing loops keep theirs", () => {
    const e = edges([[0, 1], [1, 1], [2, 0]]);
    const w = tg.tensor([1, 5, 2]);
    const [noLoops, wNo] = U.removeSelfLoops(e, w);
    assert.deepEqual(flat(noLoops), [0, 2, 1, 0]);
    assert.deepEqual(flat(wNo!), [1, 2]);
    const [all, wAll] = U.addRemainingSelfLoops(e, w, { fillValue: 9, numNodes: 3 });
    assert.deepEqual(flat(all), [0, 2, 0, 1, 2, 1, 0, 0, 1, 2]);
    assert.deepEqual(flat(wAll!), [1, 2, 9, 5, 9]);
    const [, mean] = U.addSelfLoops(e, w, { fillValue: "mean", numNodes: 3 });
    assert.deepEqual(flat(mean!).slice(3), [2, 3, 0]); // node 0 receives 2, node 1 receives 1 and 5, node 2 nothing
    assert.ok(U.containsSelfLoops(e) && !U.containsSelfLoops(noLoops));
  });

  test("coalesce merges duplicate edges' attributes; toUndirected / isUndirected", () => {
    const e = edges([[1, 0], [0, 1], [1, 0]]);
    const [c, w] = U.coalesce(e, tg.tensor([1, 2, 3]), { numNodes: 2 });
    assert.deepEqual(flat(c), [0, 1, 1, 0]);
    assert.deepEqual(flat(w!), [2, 4]);
    const [, wMax] = U.coalesce(e, tg.tensor([1, 2, 3]), { reduce: "max" });
    assert.deepEqual(flat(wMax!), [2, 3]);
    assert.ok(!U.isUndirected(edges([[0, 1]])));
    assert.ok(U.isUndirected(U.toUndirected(edges([[0, 1], [1, 2]]))));
    assert.ok(!U.isUndirected(edges([[0, 1], [1, 0]]), tg.tensor([1, 2])));
  });

  test("dropoutEdge: p = 0 keeps all, p = 1 none, forceUndirected keeps both directions together", () => {
    const e = U.toUndirected(edges([[0, 1], [1, 2], [2, 3], [3, 0]]));
    assert.equal(U.dropoutEdge(e, { p: 0 })[0].shape[1], 8);
    assert.equal(U.dropoutEdge(e, { p: 1 })[0].shape[1], 0);
    assert.equal(U.dropoutEdge(e, { p: 0.9, training: false })[0].shape[1], 8);
    const [kept] = U.dropoutEdge(e, { p: 0.5, forceUndirected: true, generator: new tg.Generator(1) });
    assert.ok(U.isUndirected(kept));
    assert.throws(() => U.dropoutEdge(e, { p: 2 }), tg.ValueError);
  });

  test("negativeSampling draws distinct non-edges without self loops, as many as asked where possible", () => {
    const e = edges([[0, 1], [1, 2], [2, 0]]);
    const neg = U.negativeSampling(e, { numNodes: 4, numNegSamples: 9, generator: new tg.Generator(0) });
    const pairs = flat(neg.select(0, 0)).map((r, i) => `${r}-${flat(neg.select(0, 1))[i]}`);
    assert.equal(pairs.length, 9); // 12 ordered pairs minus 3 edges
    assert.equal(new Set(pairs).size, 9);
    for (const p of pairs) assert.ok(!["0-1", "1-2", "2-0"].includes(p) && p.split("-")[0] !== p.split("-")[1]);
    assert.equal(U.negativeSampling(e, { numNodes: 3, numNegSamples: 10 }).shape[1], 3); // only 3 exist
    const und = U.negativeSampling(e, { numNodes: 5, numNegSamples: 3, forceUndirected: true });
    assert.ok(U.isUndirected(und));
  });

  test("toDenseAdj per graph of a batch, and adjacency lists both ways", () => {
    const e = edges([[0, 1], [1, 0], [2, 3]]);
    const adj = U.toDenseAdj(e, { batch: tg.tensor([0, 0, 1, 1], { dtype: "int32" }) });
    assert.deepEqual(adj.shape, [2, 2, 2]);
    assert.deepEqual(flat(adj), [0, 1, 1, 0, 0, 1, 0, 0]);
    assert.deepEqual(U.toAdjacencyList(e, 4), [[1], [0], [3], []]);
    assert.deepEqual(flat(U.fromAdjacencyList([[1], [0], [3], []])), flat(e));
    assert.throws(() => U.fromAdjacencyList([[2], []]), tg.IndexError);
  });

  test("degree and kHopSubgraph flow", () => {
    const e = edges([[0, 1], [1, 2], [2, 3]]);
    assertClose(U.degree(e.select(0, 1), 4), [0, 1, 1, 1]);
    const [subset] = U.kHopSubgraph(3, 2, e, { numNodes: 4 });
    assert.deepEqual(flat(subset), [1, 2, 3]); // nodes whose messages reach 3 in two hops
    const [down] = U.kHopSubgraph(0, 2, e, { numNodes: 4, flow: "target_to_source" });
    assert.deepEqual(flat(down), [0, 1, 2]);
  });

  test("every utility names a bad edge index", () => {
    for (const [name, run] of [
      ["coalesce", () => U.coalesce(edges([[0, 5]]), { numNodes: 3 })],
      ["addSelfLoops", () => U.addSelfLoops(edges([[0, 5]]), null, { numNodes: 3 })],
      ["subgraph", () => U.subgraph([0], edges([[0, 5]]), null, { numNodes: 3 })],
      ["negativeSampling", () => U.negativeSampling(edges([[0, 5]]), { numNodes: 3 })],
    ] as const) {
      assert.throws(run, (e: Error) => e instanceof tg.IndexError && e.message.startsWith(`${name}: edgeIndex[1, 0] = 5`), name);
    }
    assert.throws(() => U.removeSelfLoops(tg.tensor([[0, 1]], { dtype: "int32" })), tg.ShapeError);
    assert.throws(() => G.scatter(tg.ones([3]), tg.tensor([0, 1, 5], { dtype: "int32" }), { dimSize: 3 }), tg.IndexError);
    assert.throws(() => G.scatter(tg.ones([3]), tg.tensor([0, 1], { dtype: "int32" })), /index has 2 entries, src has 3/);
    assert.throws(() => G.scatter(tg.ones([3]), tg.tensor([0, 1, 2]), {}), tg.DTypeError);
    assert.throws(() => G.scatter(tg.ones([3]), tg.tensor([0, 1, 2], { dtype: "int32" }), { reduce: "median" as "sum" }), /reduce must be/);
  });
});

describe("geometric.transforms", () => {
  test("NormalizeFeatures, ToUndirected, AddSelfLoops, Compose", () => {
    const d = new G.Data({ x: tg.tensor([[1, 3], [0, 0]]), edgeIndex: edges([[0, 1]]) });
    const t = G.transforms.Compose([G.transforms.NormalizeFeatures(), G.transforms.ToUndirected(), G.transforms.AddSelfLoops()]);
    const out = t(d);
    assertClose(out.x!, [0.25, 0.75, 0, 0]);
    assert.deepEqual(flat(out.edgeIndex!), [0, 1, 0, 1, 1, 0, 0, 1]);
    assert.deepEqual(flat(d.edgeIndex!), [0, 1]); // the input is untouched
  });

  test("RandomLinkSplit: disjoint link sets, message edges only from earlier splits, labelled negatives", () => {
    const data = new G.datasets.KarateClub().get(0);
    const [train, val, test] = G.transforms.RandomLinkSplit({ numVal: 0.1, numTest: 0.2, isUndirected: true, generator: new tg.Generator(0) })(data);
    const links = 78;
    const [nVal, nTest] = [Math.floor(0.1 * links), Math.floor(0.2 * links)];
    assert.equal(train.edgeIndex!.shape[1], 2 * (links - nVal - nTest));
    assert.equal(test.edgeIndex!.shape[1], 2 * (links - nTest));
    assert.equal((val.edgeLabelIndex as tg.Tensor).shape[1], 2 * nVal);
    assert.deepEqual(flat(val.edgeLabel as tg.Tensor).reduce((a, b) => a + b, 0), nVal);
    assert.ok(G.utils.isUndirected(train.edgeIndex!));
  });
});

describe("geometric.utils.spmm", () => {
  // A = [[0, 2, 0], [1, 0, 3]] as COO and CSR; other = [[1, 2], [3, 4], [5, 6]].
  const other = () => tg.tensor([[1, 2], [3, 4], [5, 6]]).requiresGrad_();
  const coo = { edgeIndex: tg.tensor([[0, 1, 1], [1, 0, 2]], { dtype: "int32" }), value: tg.tensor([2, 1, 3]), size: [2, 3] as const };
  const csr = { rowptr: tg.tensor([0, 1, 3], { dtype: "int32" }), col: tg.tensor([1, 0, 2], { dtype: "int32" }), value: tg.tensor([2, 1, 3]), size: [2, 3] as const };

  test("COO and CSR give A·other, with gradients to other and to the values", () => {
    for (const a of [coo, csr]) {
      const o = other();
      const value = a.value.clone().requiresGrad_();
      const out = U.spmm({ ...a, value }, o);
      assertClose(out, [6, 8, 16, 20]);
      out.sum().backward();
      assertClose(o.grad!, [1, 1, 2, 2, 3, 3]); // Aᵀ·1
      assertClose(value.grad!, [7, 3, 11]); // each entry's row of other, summed
    }
    assertClose(U.spmm(coo, tg.tensor([[1, 2], [3, 4], [5, 6]]), "max"), [6, 8, 15, 18]);
  });

  test("bad CSR or sizes are typed errors", () => {
    assert.throws(() => U.spmm({ ...csr, rowptr: tg.tensor([0, 2, 1], { dtype: "int32" }) }, other()), tg.IndexError);
    assert.throws(() => U.spmm({ ...coo, size: [2, 4] }, other()), tg.ShapeError);
    assert.throws(() => U.spmm({ ...coo, edgeIndex: tg.tensor([[0, 1, 1], [1, 0, 3]], { dtype: "int32" }) }, other()), tg.IndexError);
  });
});
