/**
 * Models that learn: a GCN on the karate club, the ready-made stacks, TopKPooling, Node2Vec walks and
 * loss, GAE / VGAE link prediction; float64 gradchecks of scatter and the grouped softmax.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { flat } from "../helpers.js";

const { geometric: G, nn } = tg;
const F = nn.functional;
const karate = () => new G.datasets.KarateClub().get(0);
const nodesOf = (mask: unknown) => tg.argwhere(mask as tg.Tensor).squeeze(1);

describe("geometric models", () => {
  test("a two-layer GCN separates the karate club's communities from one label each", () => {
    tg.manualSeed(0);
    const d = karate();
    const model = new G.nn.GCN(34, 16, 2, { outChannels: 4 });
    const opt = new tg.optim.Adam(model.parameters(), { lr: 0.01 });
    const train = nodesOf(d.trainMask);
    for (let i = 0; i < 200; i++) {
      opt.zeroGrad();
      F.crossEntropy(model.forward(d.x!, d.edgeIndex!).indexSelect(0, train), d.y!.indexSelect(0, train)).backward();
      opt.step();
    }
    model.eval();
    const acc = model.forward(d.x!, d.edgeIndex!).argmax(1).eq(d.y!).float().mean().item();
    assert.ok(acc > 0.7, `accuracy ${acc}`);
  });

  test("the stacks build PyG's layer sizes", () => {
    const d = karate();
    const gat = new G.nn.GAT(34, 16, 2, { outChannels: 4, heads: 4 });
    assert.deepEqual(gat.forward(d.x!, d.edgeIndex!).shape, [34, 4]);
    assert.deepEqual(Object.keys(gat.stateDict()).filter((k) => k.startsWith("convs.0.")).sort(), ["convs.0.att_dst", "convs.0.att_src", "convs.0.bias", "convs.0.lin.weight"]);
    assert.deepEqual(new G.nn.GraphSAGE(34, 8, 3).forward(d.x!, d.edgeIndex!).shape, [34, 8]);
    assert.deepEqual(new G.nn.GIN(34, 8, 2, { outChannels: 2 }).forward(d.x!, d.edgeIndex!).shape, [34, 2]);
    assert.throws(() => new G.nn.GAT(34, 10, 2, { heads: 4 }), /divisible by heads/);
  });

  test("TopKPooling keeps each graph's top ⌈ratio·n⌉ nodes, gated by their score, with the edges among them", () => {
    tg.manualSeed(1);
    const pool = new G.nn.TopKPooling(3, { ratio: 0.5 });
    const g = (n: number) => new G.Data({ x: tg.randn([n, 3]), edgeIndex: G.utils.toUndirected(tg.tensor(Int32Array.from([...Array.from({ length: n - 1 }, (_, i) => i), ...Array.from({ length: n - 1 }, (_, i) => i + 1)]), { dtype: "int32", shape: [2, n - 1] })) });
    const b = G.Batch.fromDataList([g(4), g(3)]);
    const x = b.x!.requiresGrad_();
    const [out, ei, , batch, perm, score] = pool.forward(x, b.edgeIndex!, null, b.batch!);
    assert.deepEqual(out.shape, [4, 3]); // 2 of 4, 2 of 3
    assert.deepEqual(flat(batch), [0, 0, 1, 1]);
    assert.ok(flat(ei).every((v) => v >= 0 && v < 4));
    assert.deepEqual(score.shape, [4]);
    const s = flat(score);
    assert.ok(s[0]! >= s[1]! && s[2]! >= s[3]!);
    assert.ok(flat(perm).slice(0, 2).every((v) => v < 4) && flat(perm).slice(2).every((v) => v >= 4));
    out.sum().backward();
    assert.ok(pool.weight.grad !== null && x.grad !== null);
  });

  test("Node2Vec: walks follow edges, windows have contextSize nodes, the loss falls", () => {
    tg.manualSeed(0);
    const d = karate();
    const model = new G.nn.Node2Vec(d.edgeIndex!, 8, 6, 3, { walksPerNode: 2, p: 0.5, q: 2 });
    const [pos, neg] = model.sample([0, 5, 33]);
    assert.deepEqual(pos.shape, [3 * 2 * 5, 3]); // (6 + 1 − 3 + 1) windows per walk
    assert.deepEqual(neg.shape, [3 * 2 * 5, 3]);
    const adj = new Set<string>();
    const e = flat(d.edgeIndex!);
    for (let i = 0; i < 156; i++) adj.add(`${e[i]}-${e[156 + i]}`);
    const rows = pos.tolist() as number[][];
    for (const r of rows) for (let k = 1; k < r.length; k++) assert.ok(adj.has(`${r[k - 1]}-${r[k]}`), `step ${r[k - 1]} → ${r[k]} is not an edge`);
    const opt = new tg.optim.Adam(model.parameters(), { lr: 0.05 });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 30; epoch++) {
      for (const [p, n] of model.loader({ batchSize: 34 })) {
        opt.zeroGrad();
        const loss = model.loss(p, n);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
    }
    assert.ok(losses.at(-1)! < losses[0]! * 0.8, `loss ${losses[0]} → ${losses.at(-1)}`);
    assert.throws(() => new G.nn.Node2Vec(d.edgeIndex!, 8, 2, 3), /walkLength/);
  });

  test("GAE and VGAE learn to tell held-out edges from non-edges (AUC, AP)", () => {
    tg.manualSeed(0);
    const d = karate();
    const [train, , testSplit] = G.transforms.RandomLinkSplit({ numVal: 0.05, numTest: 0.15, isUndirected: true, addNegativeTrainSamples: false, generator: new tg.Generator(0) })(d);
    class Encoder extends nn.Module<[tg.Tensor, tg.Tensor], [tg.Tensor, tg.Tensor]> {
      conv = new G.nn.GCNConv(34, 16);
      mu = new G.nn.GCNConv(16, 8);
      logstd = new G.nn.GCNConv(16, 8);
      forward(x: tg.Tensor, e: tg.Tensor): [tg.Tensor, tg.Tensor] {
        const h = this.conv.forward(x, e).relu();
        return [this.mu.forward(h, e), this.logstd.forward(h, e)];
      }
    }
    const vgae = new G.nn.VGAE(new Encoder());
    const opt = new tg.optim.Adam(vgae.parameters(), { lr: 0.01 });
    for (let i = 0; i < 150; i++) {
      opt.zeroGrad();
      const z = vgae.encode(d.x!, train.edgeIndex!);
      vgae.reconLoss(z, train.edgeLabelIndex as tg.Tensor).add(vgae.klLoss().div(34)).backward();
      opt.step();
    }
    vgae.eval();
    const z = vgae.encode(d.x!, train.edgeIndex!);
    const labels = flat(testSplit.edgeLabel as tg.Tensor);
    const idx = testSplit.edgeLabelIndex as tg.Tensor;
    const pos = idx.indexSelect(1, tg.argwhere(tg.tensor(labels).gt(0)).squeeze(1));
    const neg = idx.indexSelect(1, tg.argwhere(tg.tensor(labels).eq(0)).squeeze(1));
    const [auc, ap] = vgae.test(z, pos, neg);
    assert.ok(auc > 0.6 && ap > 0.6, `AUC ${auc}, AP ${ap}`);
    const gae = new G.nn.GAE(new G.nn.GCNConv(34, 4));
    assert.deepEqual(gae.decode(gae.encode(d.x!, d.edgeIndex!), d.edgeIndex!).shape, [156]);
    assert.deepEqual(new G.nn.InnerProductDecoder().forwardAll(tg.randn([5, 2])).shape, [5, 5]);
  });

  test("rocAucScore and averagePrecisionScore as scikit-learn computes them", () => {
    // sklearn.metrics.roc_auc_score([0, 0, 1, 1, 1], [0.1, 0.4, 0.35, 0.8, 0.4]) = 0.75; average_precision_score = 0.8055…
    assert.equal(G.rocAucScore([0, 0, 1, 1, 1], [0.1, 0.4, 0.35, 0.8, 0.4]), 0.75);
    assert.ok(Math.abs(G.averagePrecisionScore([0, 0, 1, 1, 1], [0.1, 0.4, 0.35, 0.8, 0.4]) - 0.8055555555555555) < 1e-12);
  });
});

describe("gradcheck (float64) of the scatter reductions and the grouped softmax", () => {
  const index = tg.tensor([0, 2, 2, 1, 0, 2], { dtype: "int32" });
  const src = () => tg.randn([6, 3], { dtype: "float64" }).requiresGrad_();
  for (const reduce of ["sum", "mean", "max", "min", "mul"] as const) {
    test(`scatter ${reduce}`, () => {
      tg.testing.gradcheck((s) => G.scatter(s, index, { dimSize: 4, reduce }), [src()]);
    });
  }
  test("softmax", () => {
    tg.testing.gradcheck((s) => G.softmax(s, index, { numNodes: 4 }), [src()]);
  });
  test("GCNConv and GATConv in float64", () => {
    const e = tg.tensor([[0, 1, 2, 2], [1, 2, 0, 1]], { dtype: "int32" });
    const x = tg.randn([3, 4], { dtype: "float64" }).requiresGrad_();
    const gcn = new G.nn.GCNConv(4, 2).double();
    tg.testing.gradcheck((t) => gcn.forward(t, e), [x]);
    const gat = new G.nn.GATConv(4, 2, { heads: 2 }).double();
    tg.testing.gradcheck((t) => gat.forward(t, e), [x]);
  });
});
