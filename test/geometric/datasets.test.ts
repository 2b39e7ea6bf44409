/**
 * The graph datasets: KarateClub (embedded), Planetoid from the raw pickles PyG reads (the real Cora
 * and CiteSeer files of ../shared/datasets/planetoid, and a tiny set in the fuzz corpus), and the
 * TU format on files written here; damaged or missing files give typed errors naming them.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "../../src/index.js";
import { flat } from "../helpers.js";

const { geometric: G } = tg;
const here = path.dirname(fileURLToPath(import.meta.url));
const shared = path.join(here, "..", "..", "..", "shared", "datasets", "planetoid");
const tiny = path.join(here, "..", "fuzz", "corpus", "planetoid");
const sum = (t: unknown) => flat(t as tg.Tensor).reduce((a, b) => a + b, 0);

describe("geometric.datasets", () => {
  test("KarateClub: 34 members, 156 directed friendships, 4 communities, one labelled member each", () => {
    const ds = new G.datasets.KarateClub();
    const d = ds.get(0);
    assert.equal(ds.length, 1);
    assert.equal(d.numNodes, 34);
    assert.equal(d.numEdges, 156);
    assert.equal(ds.numClasses, 4);
    assert.equal(ds.numFeatures, 34);
    assert.equal(sum(d.trainMask), 4);
    assert.ok(d.isUndirected() && !d.hasSelfLoops());
  });

  // PyG's numbers for the public split (torch_geometric.datasets.Planetoid).
  for (const [name, nodes, edges, features, classes, train, xSum, ySum] of [
    ["Cora", 2708, 10556, 1433, 7, 140, 49216, 7781],
    ["CiteSeer", 3327, 9104, 3703, 6, 120, 105165, 8953],
  ] as const) {
    test(`Planetoid ${name} from the raw files, as PyG reads it`, () => {
      const ds = new G.datasets.Planetoid({ root: shared, name });
      const d = ds.get(0);
      assert.equal(d.numNodes, nodes);
      assert.equal(d.numEdges, edges);
      assert.equal(ds.numFeatures, features);
      assert.equal(ds.numClasses, classes);
      assert.deepEqual([sum(d.trainMask), sum(d.valMask), sum(d.testMask)], [train, 500, 1000]);
      assert.equal(sum(d.x), xSum);
      assert.equal(sum(d.y), ySum);
      assert.ok(d.isUndirected() && !d.hasSelfLoops());
      d.validate();
    });
  }

  test("Planetoid's test rows go back to their listed nodes; self loops are dropped", () => {
    const d = G.datasets.readPlanetoid(tiny, "Cora");
    assert.deepEqual(flat(d.x!), [1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0]);
    assert.deepEqual(flat(d.y!), [0, 1, 2, 1, 2]);
    assert.deepEqual(flat(d.testMask as tg.Tensor), [0, 0, 0, 1, 1]);
    assert.ok(!d.hasSelfLoops());
  });

  test("damaged or missing Planetoid files give typed errors naming the file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-planetoid-"));
    try {
      for (const f of readdirSync(tiny)) copyFileSync(path.join(tiny, f), path.join(dir, f));
      const x = readFileSync(path.join(dir, "ind.cora.x"));
      writeFileSync(path.join(dir, "ind.cora.x"), x.subarray(0, x.length - 20));
      assert.throws(() => G.datasets.readPlanetoid(dir, "Cora"), (e: Error) => e instanceof tg.FormatError && e.message.includes("ind.cora.x"));
      writeFileSync(path.join(dir, "ind.cora.x"), x);
      writeFileSync(path.join(dir, "ind.cora.test.index"), "4\nfour\n");
      assert.throws(() => G.datasets.readPlanetoid(dir, "Cora"), /ind\.cora\.test\.index: line 2 is not a node number: 'four'/);
      writeFileSync(path.join(dir, "ind.cora.test.index"), "4\n9\n");
      assert.throws(() => G.datasets.readPlanetoid(dir, "Cora"), (e: Error) => e instanceof tg.FormatError && /outside the 5 nodes/.test(e.message));
      rmSync(path.join(dir, "ind.cora.graph"));
      assert.throws(() => G.datasets.readPlanetoid(dir, "Cora"), (e: Error) => e instanceof tg.DataError && e.message.includes("ind.cora.graph is missing"));
      assert.throws(() => new G.datasets.Planetoid({ root: dir, name: "Pubmed" as "PubMed" }), /name must be/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("TUDataset reads the TU format: graphs split by indicator, one-hot node labels, classes renumbered", () => {
    const root = mkdtempSync(path.join(tmpdir(), "tg-tu-"));
    const raw = path.join(root, "TOY", "raw");
    mkdirSync(raw, { recursive: true });
    const write = (part: string, lines: string[]) => writeFileSync(path.join(raw, `TOY_${part}.txt`), `${lines.join("\n")}\n`);
    try {
      write("A", ["1, 2", "2, 1", "2, 3", "3, 2", "4, 5", "5, 4", "5, 5"]);
      write("graph_indicator", ["1", "1", "1", "2", "2"]);
      write("graph_labels", ["-1", "1"]);
      write("node_labels", ["0", "2", "1", "0", "0"]);
      write("node_attributes", ["0.5, 1", "1, 1", "2, 0", "3, 3", "4, 4"]);
      const ds = new G.datasets.TUDataset({ root, name: "TOY" });
      assert.equal(ds.length, 2);
      const [g1, g2] = [ds.get(0), ds.get(1)];
      assert.equal(g1.numNodes, 3);
      assert.deepEqual(flat(g1.edgeIndex!), [0, 1, 1, 2, 1, 0, 2, 1]);
      assert.deepEqual(flat(g1.x!), [1, 0, 0, 0, 0, 1, 0, 1, 0]);
      assert.deepEqual(flat(g2.edgeIndex!), [0, 1, 1, 0]); // the self loop 5–5 dropped, as PyG
      assert.deepEqual([flat(g1.y!)[0], flat(g2.y!)[0]], [0, 1]);
      assert.equal(ds.numClasses, 2);
      const withAttr = new G.datasets.TUDataset({ root, name: "TOY", useNodeAttr: true });
      assert.deepEqual(flat(withAttr.get(1).x!), [3, 3, 1, 0, 0, 4, 4, 1, 0, 0]);
      const batch = G.Batch.fromDataList([g1, g2]);
      assert.deepEqual(flat(G.nn.globalAddPool(batch.x!, batch.batch!)), [1, 1, 1, 2, 0, 0]);
      write("A", ["1, 2", "2, 9"]);
      assert.throws(() => new G.datasets.TUDataset({ root, name: "TOY" }), (e: Error) => e instanceof tg.FormatError && /TOY_A\.txt: line 2 names node 9, outside 1…5/.test(e.message));
      write("A", ["1, 4"]);
      assert.throws(() => new G.datasets.TUDataset({ root, name: "TOY" }), /joins nodes of different graphs/);
      rmSync(path.join(raw, "TOY_A.txt"));
      assert.throws(() => new G.datasets.TUDataset({ root, name: "TOY" }), tg.DataError);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
