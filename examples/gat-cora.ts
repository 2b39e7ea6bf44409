/**
 * gat-cora: Veličković et al.'s graph attention network on Cora (PyG's examples/gat.py) — GATConv
 * with 8 heads of 8 (ELU, dropout 0.6 on inputs and attention) then one head to the classes, Adam
 * lr 0.005, weight decay 5e-4, and the paper's early stopping: the model kept is the last one whose
 * validation accuracy and loss were both the best so far, training stopping after 100 epochs that
 * improve neither. Reads the Planetoid raw files from DIR/Cora/raw.
 *
 *   npx tsx examples/gat-cora.ts --data DIR [--epochs 1000] [--patience 100] [--seed 0]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { geometric: G, nn } = tg;
const F = nn.functional;
const { values: args } = parseArgs({
  options: { data: { type: "string" }, epochs: { type: "string", default: "1000" }, patience: { type: "string", default: "100" }, seed: { type: "string", default: "0" } },
});
if (!args.data) throw new Error("give --data DIR, the folder that holds Cora/raw/");

const dataset = new G.datasets.Planetoid({ root: args.data, name: "Cora", transform: G.transforms.NormalizeFeatures() });
const data = dataset.get(0);

class GAT extends nn.Module<[tg.Tensor, tg.Tensor], tg.Tensor> {
  conv1 = new G.nn.GATConv(dataset.numFeatures, 8, { heads: 8, dropout: 0.6 });
  conv2 = new G.nn.GATConv(8 * 8, dataset.numClasses, { heads: 1, concat: false, dropout: 0.6 });

  forward(x: tg.Tensor, edgeIndex: tg.Tensor): tg.Tensor {
    x = F.dropout(x, 0.6, this.training);
    x = F.elu(this.conv1.forward(x, edgeIndex));
    x = F.dropout(x, 0.6, this.training);
    return this.conv2.forward(x, edgeIndex);
  }
}

tg.manualSeed(Number(args.seed));
const model = new GAT();
const optimizer = new tg.optim.Adam(model.parameters(), { lr: 0.005, weightDecay: 5e-4 });
const [x, edgeIndex, y] = [data.x!, data.edgeIndex!, data.y!];
const nodes = (mask: unknown) => tg.argwhere(mask as tg.Tensor).squeeze(1);
const [trainIdx, valIdx, testIdx] = [data.trainMask, data.valMask, data.testMask].map(nodes) as [tg.Tensor, tg.Tensor, tg.Tensor];
const accuracy = (logits: tg.Tensor, idx: tg.Tensor) => logits.indexSelect(0, idx).argmax(1).eq(y.indexSelect(0, idx)).float().mean().item();

let [bestAcc, bestLoss, waited] = [0, Infinity, 0];
let kept = { epoch: 0, test: 0 };
for (let epoch = 1; epoch <= Number(args.epochs) && waited < Number(args.patience); epoch++) {
  model.train();
  optimizer.zeroGrad();
  const loss = F.crossEntropy(model.forward(x, edgeIndex).indexSelect(0, trainIdx), y.indexSelect(0, trainIdx));
  loss.backward();
  optimizer.step();

  model.eval();
  const logits = tg.noGrad(() => model.forward(x, edgeIndex));
  const valLoss = tg.noGrad(() => F.crossEntropy(logits.indexSelect(0, valIdx), y.indexSelect(0, valIdx)).item());
  const [val, test] = [accuracy(logits, valIdx), accuracy(logits, testIdx)];
  if (val >= bestAcc || valLoss <= bestLoss) {
    if (val >= bestAcc && valLoss <= bestLoss) kept = { epoch, test };
    [bestAcc, bestLoss, waited] = [Math.max(val, bestAcc), Math.min(valLoss, bestLoss), 0];
  } else waited++;
  if (epoch % 50 === 0) console.log(`epoch ${String(epoch).padStart(4)}: loss ${loss.item().toFixed(4)} val ${val.toFixed(4)} (loss ${valLoss.toFixed(4)}) test ${test.toFixed(4)}`);
}
console.log(`test accuracy ${(100 * kept.test).toFixed(2)}% (the model of epoch ${kept.epoch})`);
