/**
 * gcn-cora: Kipf & Welling's graph convolutional network on the Cora citation graph (PyG's
 * examples/gcn.py) — two GCNConv layers (hidden 16, ReLU, dropout 0.5), Adam lr 0.01 with weight
 * decay 5e-4 on the first layer, 200 epochs, row-normalised features, the public split. Reads the
 * Planetoid raw files from DIR/Cora/raw (ind.cora.x, …, as PyG stores them).
 *
 *   npx tsx examples/gcn-cora.ts --data DIR [--epochs 200] [--seed 0]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { geometric: G, nn } = tg;
const F = nn.functional;
const { values: args } = parseArgs({ options: { data: { type: "string" }, epochs: { type: "string", default: "200" }, seed: { type: "string", default: "0" } } });
if (!args.data) throw new Error("give --data DIR, the folder that holds Cora/raw/");

const dataset = new G.datasets.Planetoid({ root: args.data, name: "Cora", transform: G.transforms.NormalizeFeatures() });
const data = dataset.get(0);
console.log(`Cora: ${data.numNodes} nodes, ${data.numEdges} edges, ${dataset.numFeatures} features, ${dataset.numClasses} classes`);

class GCN extends nn.Module<[tg.Tensor, tg.Tensor], tg.Tensor> {
  conv1 = new G.nn.GCNConv(dataset.numFeatures, 16, { cached: true });
  conv2 = new G.nn.GCNConv(16, dataset.numClasses, { cached: true });

  forward(x: tg.Tensor, edgeIndex: tg.Tensor): tg.Tensor {
    x = F.dropout(x, 0.5, this.training);
    x = this.conv1.forward(x, edgeIndex).relu();
    x = F.dropout(x, 0.5, this.training);
    return this.conv2.forward(x, edgeIndex);
  }
}

tg.manualSeed(Number(args.seed));
const model = new GCN();
const optimizer = new tg.optim.Adam(
  [{ params: model.conv1.parameters(), weightDecay: 5e-4 }, { params: model.conv2.parameters(), weightDecay: 0 }],
  { lr: 0.01 },
);
const [x, edgeIndex, y] = [data.x!, data.edgeIndex!, data.y!];
const nodes = (mask: unknown) => tg.argwhere(mask as tg.Tensor).squeeze(1);
const [trainIdx, valIdx, testIdx] = [data.trainMask, data.valMask, data.testMask].map(nodes) as [tg.Tensor, tg.Tensor, tg.Tensor];

function test(): [train: number, val: number, test: number] {
  model.eval();
  const pred = tg.noGrad(() => model.forward(x, edgeIndex)).argmax(1);
  return [trainIdx, valIdx, testIdx].map((idx) => pred.indexSelect(0, idx).eq(y.indexSelect(0, idx)).float().mean().item()) as [number, number, number];
}

let best = { val: 0, test: 0 };
for (let epoch = 1; epoch <= Number(args.epochs); epoch++) {
  model.train();
  optimizer.zeroGrad();
  const out = model.forward(x, edgeIndex);
  const loss = F.crossEntropy(out.indexSelect(0, trainIdx), y.indexSelect(0, trainIdx));
  loss.backward();
  optimizer.step();
  const [train, val, tst] = test();
  if (val > best.val) best = { val, test: tst };
  if (epoch % 20 === 0 || epoch === Number(args.epochs)) {
    console.log(`epoch ${String(epoch).padStart(3)}: loss ${loss.item().toFixed(4)} train ${train.toFixed(4)} val ${val.toFixed(4)} test ${tst.toFixed(4)}`);
  }
}
console.log(`test accuracy ${(100 * best.test).toFixed(2)}% (at the best validation accuracy, ${(100 * best.val).toFixed(2)}%)`);
