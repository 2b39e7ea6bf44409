/** Data, Batch and the graph DataLoader: attributes, counts, validation, batching and its inverse. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { flat } from "../helpers.js";

const { geometric: G } = tg;
const edges = (pairs: [number, number][]) => tg.tensor(Int32Array.from([...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])]), { dtype: "int32", shape: [2, pairs.length] });

describe("geometric.Data", () => {
  const data = () =>
    new G.Data({ x: tg.randn([4, 3]), edgeIndex: edges([[0, 1], [1, 0], [1, 2], [2, 1]]), edgeAttr: tg.randn([4, 2]), y: tg.tensor([1]), trainMask: tg.tensor([true, false, true, false]) });

  test("counts and attributes as PyG names them", () => {
    const d = data();
    assert.equal(d.numNodes, 4);
    assert.equal(d.numEdges, 4);
    assert.equal(d.numNodeFeatures, 3);
    assert.equal(d.numEdgeFeatures, 2);
    assert.deepEqual(d.keys(), ["x", "edgeIndex", "edgeAttr", "y", "trainMask"]);
    assert.ok(d.isNodeAttr("trainMask") && d.isEdgeAttr("edgeAttr") && !d.isNodeAttr("edgeIndex"));
    assert.ok(d.hasIsolatedNodes() && !d.hasSelfLoops() && d.isUndirected());
    assert.equal(new G.Data({ edgeIndex: edges([[0, 5]]) }).numNodes, 6);
    assert.match(String(d), /Data\(x=\[4, 3\], edgeIndex=\[2, 4\]/);
  });

  test("validate names a bad edge index: out of range, negative, wrong dtype or shape", () => {
    assert.equal(data().validate(), true);
    assert.throws(() => new G.Data({ x: tg.randn([3, 2]), edgeIndex: edges([[0, 3]]) }).validate(), (e: Error) => e instanceof tg.IndexError && /edgeIndex\[1, 0\] = 3 is out of range for 3 nodes/.test(e.message));
    assert.throws(() => new G.Data({ x: tg.randn([3, 2]), edgeIndex: edges([[-1, 0]]) }).validate(), /edgeIndex\[0, 0\] = -1.*non-negative/);
    assert.throws(() => new G.Data({ edgeIndex: tg.tensor([[0, 1], [1, 0]]) }).validate(), (e: Error) => e instanceof tg.DTypeError && /int32.*float32/.test(e.message));
    assert.throws(() => new G.Data({ edgeIndex: tg.tensor([0, 1, 2], { dtype: "int32" }) }).validate(), (e: Error) => e instanceof tg.ShapeError && /\[2, numEdges\]/.test(e.message));
    assert.throws(() => new G.Data({ x: tg.randn([2, 1]), edgeIndex: edges([[0, 1]]), edgeAttr: tg.randn([3, 1]) }).validate(), /edgeAttr has 3 rows for 1 edges/);
  });

  test("a layer given an edge index outside the nodes throws an IndexError, never reads outside x", () => {
    const conv = new G.nn.GCNConv(3, 2);
    assert.throws(() => conv.forward(tg.randn([3, 3]), edges([[0, 7]])), tg.IndexError);
    assert.throws(() => new G.nn.GATConv(3, 2).forward(tg.randn([3, 3]), edges([[5, 0]])), tg.IndexError);
    assert.throws(() => new G.nn.SAGEConv(3, 2).forward(tg.randn([3, 3]), tg.tensor([[0], [1]])), tg.DTypeError);
  });

  test("subgraph keeps node and edge attributes of the kept part, relabelled", () => {
    const d = data();
    const s = d.subgraph([1, 2]);
    assert.equal(s.numNodes, 2);
    assert.deepEqual(flat(s.edgeIndex!), [0, 1, 1, 0]);
    assert.deepEqual(s.x!.shape, [2, 3]);
    assert.deepEqual(flat(s.edgeAttr!), flat(d.edgeAttr!.narrow(0, 2, 2)));
    assert.deepEqual(flat(s.trainMask as tg.Tensor), [0, 1]);
  });

  test("clone and to keep the class and every attribute", () => {
    const d = data();
    const c = d.clone();
    assert.ok(c instanceof G.Data && c.x !== d.x);
    assert.deepEqual(flat(c.x!), flat(d.x!));
    assert.equal(d.to("js").x!.backend.name, "js");
  });
});

describe("geometric.Batch and DataLoader", () => {
  const g1 = new G.Data({ x: tg.ones([2, 2]), edgeIndex: edges([[0, 1]]), y: tg.tensor([0], { dtype: "int32" }), name: "a" });
  const g2 = new G.Data({ x: tg.zeros([3, 2]), edgeIndex: edges([[0, 2], [2, 1]]), y: tg.tensor([1], { dtype: "int32" }), name: "b" });

  test("fromDataList: a disjoint union, edge indices shifted, batch and ptr", () => {
    const b = G.Batch.fromDataList([g1, g2]);
    assert.equal(b.numGraphs, 2);
    assert.equal(b.numNodes, 5);
    assert.deepEqual(flat(b.edgeIndex!), [0, 2, 4, 1, 4, 3]);
    assert.deepEqual(flat(b.batch!), [0, 0, 1, 1, 1]);
    assert.deepEqual(flat(b.ptr!), [0, 2, 5]);
    assert.deepEqual(flat(b.y!), [0, 1]);
    assert.deepEqual(b.name, ["a", "b"]);
    assert.equal(b.getExample(1), g2);
    assert.deepEqual(b.toDataList(), [g1, g2]);
    assert.throws(() => b.getExample(2), tg.IndexError);
    assert.throws(() => G.Batch.fromDataList([]), tg.ValueError);
    const followed = G.Batch.fromDataList([g1, g2], { followBatch: ["x"] });
    assert.deepEqual(flat(followed.xBatch as tg.Tensor), [0, 0, 1, 1, 1]);
  });

  test("the loader batches graphs (shuffled with a seed) and pools per graph", () => {
    const graphs = Array.from({ length: 5 }, (_, i) => new G.Data({ x: tg.full([i + 1, 1], i), edgeIndex: edges([[0, 0]]), y: tg.tensor([i], { dtype: "int32" }) }));
    const loader = new G.DataLoader(graphs, { batchSize: 2 });
    const batches = [...loader];
    assert.equal(batches.length, 3);
    assert.deepEqual(flat(batches[0]!.y!), [0, 1]);
    assert.deepEqual(flat(G.nn.globalMeanPool(batches[1]!.x!, batches[1]!.batch!)), [2, 3]);
    const shuffled = [...new G.DataLoader(graphs, { batchSize: 5, shuffle: true, generator: new tg.Generator(3) })][0]!;
    assert.deepEqual(flat(shuffled.y!).sort(), [0, 1, 2, 3, 4]);
  });
});
