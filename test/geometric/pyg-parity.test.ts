/**
 * tg.geometric against PyTorch Geometric 2.x (test/fixtures/geometric.json from
 * tools/make_geometric_fixtures.py): PyG's state dicts load by parameter name, and outputs, input
 * gradients and parameter gradients match for every layer; scatter (each reduce), softmax, the
 * global pools and the edge utilities give PyG's answers. Runs on every backend.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { assertClose, decode, eachBackend, flat, onBackend, readFixture, type Encoded } from "../helpers.js";

const { geometric: G, nn } = tg;

interface LayerCase {
  state: Record<string, Encoded>;
  inputs: (Encoded | null)[];
  output: Encoded;
  u: Encoded;
  inputGrads: (Encoded | null)[];
  paramGrads: Record<string, Encoded>;
}
type FnCase = Omit<LayerCase, "state" | "paramGrads">;
interface Fixture {
  karate: Record<"edgeIndex" | "y" | "trainMask", Encoded>;
  layers: Record<string, LayerCase>;
  functions: Record<string, FnCase>;
  utils: Record<string, Encoded | Record<string, Encoded>>;
}
const fixture = readFixture<Fixture>("geometric.json");
const tol = { atol: 2e-5, rtol: 2e-4 };

const LAYERS: Record<string, () => tg.nn.Module> = {
  gcn: () => new G.nn.GCNConv(5, 4),
  gcn_weighted_improved: () => new G.nn.GCNConv(5, 4, { improved: true }),
  gcn_no_self_loops_no_bias: () => new G.nn.GCNConv(5, 4, { addSelfLoops: false, bias: false }),
  gat_concat: () => new G.nn.GATConv(5, 3, { heads: 4 }),
  gat_mean: () => new G.nn.GATConv(5, 3, { heads: 2, concat: false, negativeSlope: 0.1 }),
  gat_edge_dim: () => new G.nn.GATConv(5, 3, { heads: 2, edgeDim: 3 }),
  gatv2: () => new G.nn.GATv2Conv(5, 3, { heads: 2 }),
  sage_mean: () => new G.nn.SAGEConv(5, 4),
  sage_max_normalize: () => new G.nn.SAGEConv(5, 4, { aggr: "max", normalize: true }),
  gin: () => new G.nn.GINConv(new nn.Sequential(new nn.Linear(5, 6), new nn.ReLU(), new nn.Linear(6, 4)), { eps: 0.3, trainEps: true }),
  gine: () => new G.nn.GINEConv(new nn.Sequential(new nn.Linear(5, 4)), { edgeDim: 3 }),
  graph_conv_mean: () => new G.nn.GraphConv(5, 4, { aggr: "mean" }),
  cheb: () => new G.nn.ChebConv(5, 4, 3),
  appnp: () => new G.nn.APPNP(3, 0.2),
  transformer: () => new G.nn.TransformerConv(5, 3, { heads: 2 }),
  transformer_beta_edge: () => new G.nn.TransformerConv(5, 3, { heads: 2, beta: true, edgeDim: 3, concat: false }),
};

const FUNCTIONS: Record<string, (...xs: Tensor[]) => Tensor> = {
  ...Object.fromEntries((["sum", "mean", "max", "min", "mul"] as const).map((reduce) => [`scatter_${reduce}`, (s: Tensor, i: Tensor) => G.scatter(s, i, { dim: 0, dimSize: 6, reduce })])),
  scatter_dim1_mean: (s, i) => G.scatter(s, i!, { dim: 1, dimSize: 3, reduce: "mean" }),
  softmax: (s, i) => G.softmax(s, i!, { numNodes: 6 }),
  global_add_pool: (x, b) => G.nn.globalAddPool(x, b!),
  global_mean_pool: (x, b) => G.nn.globalMeanPool(x, b!),
  global_max_pool: (x, b) => G.nn.globalMaxPool(x, b!),
  to_dense_adj: (e, w, b) => G.utils.toDenseAdj(e, { edgeAttr: w!, batch: b! }),
};

const input = (e: Encoded | null) => (e === null ? null : e.dtype === "float32" || e.dtype === undefined ? decode(e).requiresGrad_() : decode(e));

eachBackend((backend) => {
  describe(`tg.geometric matches PyTorch Geometric (${backend})`, () => {
    test("every fixture case has a counterpart here and vice versa", () => {
      assert.deepEqual(Object.keys(LAYERS).sort(), Object.keys(fixture.layers).sort());
      assert.deepEqual(Object.keys(FUNCTIONS).sort(), Object.keys(fixture.functions).sort());
    });

    for (const [name, c] of Object.entries(fixture.layers)) {
      test(`layer ${name}`, () =>
        onBackend(backend, () => {
          const m = LAYERS[name]!();
          m.eval();
          // PyG's parameter names, and its values load into them.
          assert.deepEqual(Object.keys(m.stateDict()).sort(), Object.keys(c.state).sort());
          m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
          const xs = c.inputs.map(input);
          const y = (m.forward as (...a: (Tensor | null)[]) => Tensor)(...xs);
          assertClose(y, flat(decode(c.output)), { ...tol, shape: c.output.shape });
          y.mul(decode(c.u)).sum().backward();
          c.inputGrads.forEach((g, i) => {
            if (g) assertClose(xs[i]!.grad!, flat(decode(g)), { ...tol, shape: g.shape });
          });
          const params = Object.fromEntries(m.namedParameters());
          assert.deepEqual(Object.keys(params).sort(), Object.keys(c.paramGrads).sort());
          for (const [k, g] of Object.entries(c.paramGrads)) assertClose(params[k]!.grad!, flat(decode(g)), { ...tol, shape: g.shape });
        }));
    }

    for (const [name, c] of Object.entries(fixture.functions)) {
      test(name, () =>
        onBackend(backend, () => {
          const xs = c.inputs.map(input) as Tensor[];
          const y = FUNCTIONS[name]!(...xs);
          assertClose(y, flat(decode(c.output)), { ...tol, shape: c.output.shape });
          y.mul(decode(c.u)).sum().backward();
          c.inputGrads.forEach((g, i) => {
            if (g) assertClose(xs[i]!.grad!, flat(decode(g)), { ...tol, shape: g.shape });
          });
        }));
    }
  });
});

describe("geometric.utils match PyG", () => {
  type Utils = Record<"edgeIndex" | "coalesce" | "coalesce_col" | "to_undirected" | "add_self_loops" | "degree_in" | "subgraph", Encoded> &
    Record<"k_hop" | "to_dense_batch", Record<string, Encoded>>;
  const u = fixture.utils as unknown as Utils;
  const e = decode(u.edgeIndex);
  const same = (t: Tensor, want: Encoded) => {
    assert.deepEqual(t.shape, want.shape);
    assert.deepEqual(flat(t), want.data);
  };
  test("coalesce, by row and by column", () => {
    same(G.utils.coalesce(e, { numNodes: 7 }), u.coalesce);
    same(G.utils.coalesce(e, { numNodes: 7, sortByRow: false }), u.coalesce_col);
  });
  test("toUndirected, addSelfLoops, degree", () => {
    same(G.utils.toUndirected(e, { numNodes: 7 }), u.to_undirected);
    same(G.utils.addSelfLoops(e, null, { numNodes: 7 })[0], u.add_self_loops);
    assertClose(G.utils.degree(e.select(0, 1), 7), u.degree_in.data as number[]);
  });
  test("kHopSubgraph and subgraph", () => {
    const [subset, ei, mapping, mask] = G.utils.kHopSubgraph(3, 2, e, { relabelNodes: true, numNodes: 7 });
    same(subset, u.k_hop.subset!);
    same(ei, u.k_hop.edgeIndex!);
    same(mapping, u.k_hop.mapping!);
    same(mask, u.k_hop.edgeMask!);
    same(G.utils.subgraph([0, 2, 3], e, null, { relabelNodes: true, numNodes: 7 })[0], u.subgraph);
  });
  test("toDenseBatch", () => {
    const c = fixture.functions.global_add_pool!;
    const [out, mask] = G.utils.toDenseBatch(decode(c.inputs[0]!), decode(c.inputs[1]!));
    assertClose(out, flat(decode(u.to_dense_batch.out!)), { shape: u.to_dense_batch.out!.shape });
    same(mask, u.to_dense_batch.mask!);
  });
  test("KarateClub is PyG's graph, labels and training mask", () => {
    const d = new G.datasets.KarateClub().get(0);
    same(d.edgeIndex!, fixture.karate.edgeIndex!);
    same(d.y!, fixture.karate.y!);
    same(d.trainMask as Tensor, fixture.karate.trainMask!);
  });
});
