/**
 * Graph networks on Cora: one training step (forward, backward, Adam) of Kipf's GCN and
 * Veličković's GAT — tensorgrad beside PyTorch Geometric on PyTorch 2.13 CPU, at 1 and 2 threads.
 * Needs the Planetoid raw files (default ../shared/datasets/planetoid, or --data DIR) and, for the
 * peer, the virtual environment of tools/peers.sh (or $PEERS_PYTHON).
 *
 *   npm run bench:gnn [-- --data DIR]
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "tensorgrad";
// The CLI recipes from the same build as "tensorgrad" (one copy of the library in the process).
import { GRAPH_RECIPES, loadGraph } from "../dist/cli/graph-recipes.js";
import { report, timeMs, type Row } from "./harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const at = process.argv.indexOf("--data");
const root = at > 0 ? process.argv[at + 1]! : path.join(here, "..", "..", "shared", "datasets", "planetoid");
const rows: Row[] = [];
const threadCounts = [1, 2];

const workload = (model: string, threads: number) => `${model} epoch on Cora, ${threads} thread${threads > 1 ? "s" : ""}`;

for (const [name, model] of [["gcn-cora", "GCN"], ["gat-cora", "GAT"]] as const) {
  const recipe = GRAPH_RECIPES[name]!;
  const data = loadGraph(recipe, root);
  const train = tg.tensor(Int32Array.from({ length: 140 }, (_, i) => i), { dtype: "int32" });
  const y = data.y!.indexSelect(0, train);
  for (const threads of threadCounts) {
    tg.setNumThreads(threads);
    tg.manualSeed(0);
    const net = recipe.build(data.x!.shape[1]!, 7);
    const opt = recipe.optimizer(net);
    const step = () => {
      opt.zeroGrad();
      tg.nn.functional.crossEntropy(net.forward(data.x!, data.edgeIndex!).indexSelect(0, train), y).backward();
      opt.step();
    };
    const ms = await timeMs(step, { warmup: 20, reps: 30 });
    rows.push({ workload: workload(model, threads), impl: `tensorgrad ${tg.getBackend().name}`, value: ms, unit: "ms", higherIsBetter: false });
  }
}

const python = process.env.PEERS_PYTHON ?? path.join(here, "..", ".peers-venv", "bin", "python");
if (existsSync(python)) {
  for (const threads of threadCounts) {
    const out = execFileSync(python, [path.join(here, "peers", "pyg_bench.py"), String(threads), root], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const r = JSON.parse(out) as { gcn: number; gat: number; versions: string };
    const impl = `PyG ${r.versions}`;
    rows.push({ workload: workload("GCN", threads), impl, value: r.gcn, unit: "ms", higherIsBetter: false });
    rows.push({ workload: workload("GAT", threads), impl, value: r.gat, unit: "ms", higherIsBetter: false });
  }
} else {
  console.log(`(PyTorch Geometric not available: run tools/peers.sh or set PEERS_PYTHON; skipping it)`);
}
report("gnn", rows);
