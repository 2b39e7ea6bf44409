/**
 * Node classification recipes for `tensorgrad train gcn-cora | gat-cora --data DIR`: the papers'
 * models and hyper-parameters on a Planetoid graph read from DIR/<Name>/raw, trained full-batch
 * with the GAT paper's early stopping: the model is kept at an epoch whose validation accuracy and
 * loss are both the best so far, and training stops after `patience` epochs that improve neither.
 */
import { noGrad } from "../ops/grad-mode.js";
import { manualSeed } from "../base/rng.js";
import type { Tensor } from "../ops/tensor.js";
import { Module } from "../nn/module.js";
import { dropout } from "../nn/functional/basic.js";
import { crossEntropy } from "../nn/losses.js";
import { elu } from "../ops/composite/activations.js";
import { tensor } from "../ops/creation.js";
import { Adam } from "../optim/optimizers.js";
import type { Data } from "../geometric/data.js";
import { Planetoid, type PlanetoidName } from "../geometric/datasets/planetoid.js";
import { GATConv } from "../geometric/nn/gat-conv.js";
import { GCNConv } from "../geometric/nn/gcn-conv.js";
import { NormalizeFeatures } from "../geometric/transforms.js";

type NodeModel = Module<[x: Tensor, edgeIndex: Tensor], Tensor>;

/** Kipf & Welling: GCN(16) → ReLU → GCN(classes), dropout 0.5 before each; weight decay on the first layer. */
class KipfGCN extends Module<[Tensor, Tensor], Tensor> {
  conv1: GCNConv;
  conv2: GCNConv;
  constructor(features: number, classes: number) {
    super();
    this.conv1 = new GCNConv(features, 16, { cached: true });
    this.conv2 = new GCNConv(16, classes, { cached: true });
  }
  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    const h = this.conv1.forward(dropout(x, 0.5, this.training), edgeIndex).relu();
    return this.conv2.forward(dropout(h, 0.5, this.training), edgeIndex);
  }
}

/** Veličković et al.: GAT(8 heads × 8) → ELU → GAT(classes, 1 head), dropout 0.6 on inputs and attention. */
class VelickovicGAT extends Module<[Tensor, Tensor], Tensor> {
  conv1: GATConv;
  conv2: GATConv;
  constructor(features: number, classes: number) {
    super();
    this.conv1 = new GATConv(features, 8, { heads: 8, dropout: 0.6 });
    this.conv2 = new GATConv(64, classes, { heads: 1, concat: false, dropout: 0.6 });
  }
  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    const h = elu(this.conv1.forward(dropout(x, 0.6, this.training), edgeIndex));
    return this.conv2.forward(dropout(h, 0.6, this.training), edgeIndex);
  }
}

export interface GraphRecipe {
  describe: string;
  dataset: PlanetoidName;
  /** At most this many epochs … */
  epochs: number;
  /** … stopping after this many that improve neither validation accuracy nor loss. */
  patience: number;
  build(features: number, classes: number): NodeModel;
  /** Parameter groups: which parameters get weight decay. */
  optimizer(model: NodeModel): Adam;
}

export const GRAPH_RECIPES: Record<string, GraphRecipe> = {
  "gcn-cora": {
    describe: "Kipf & Welling's two-layer GCN (hidden 16, dropout 0.5, Adam lr 0.01, weight decay 5e-4 on layer 1)",
    dataset: "Cora",
    epochs: 200,
    patience: 100,
    build: (f, c) => new KipfGCN(f, c),
    optimizer: (m) => {
      const g = m as KipfGCN;
      return new Adam([{ params: g.conv1.parameters(), weightDecay: 5e-4 }, { params: g.conv2.parameters(), weightDecay: 0 }], { lr: 0.01 });
    },
  },
  "gat-cora": {
    describe: "Veličković et al.'s two-layer GAT (8 heads × 8, ELU, dropout 0.6, Adam lr 0.005, weight decay 5e-4)",
    dataset: "Cora",
    epochs: 1000,
    patience: 100,
    build: (f, c) => new VelickovicGAT(f, c),
    optimizer: (m) => new Adam(m.parameters(), { lr: 0.005, weightDecay: 5e-4 }),
  },
};

/** The nodes a bool mask selects, as an int32 index. */
function nodesOf(mask: unknown): Tensor {
  const m = (mask as Tensor).dataSync();
  return tensor(Int32Array.from(Array.from(m).flatMap((v, i) => (v ? [i] : []))), { dtype: "int32" });
}

export interface GraphRun {
  testAcc: number;
  valAcc: number;
  /** The epoch whose model was kept, and how many ran. */
  bestEpoch: number;
  epochs: number;
  msPerEpoch: number;
}

/** Loads the recipe's graph from root (row-normalised features, as the papers use). */
export function loadGraph(recipe: GraphRecipe, root: string): Data {
  return new Planetoid({ root, name: recipe.dataset, transform: NormalizeFeatures() }).get(0);
}

/** Trains one model from a seed; returns the kept model's test accuracy. */
export function trainGraphRecipe(recipe: GraphRecipe, data: Data, seed: number, log?: (epoch: number, loss: number, val: number, test: number) => void): GraphRun {
  manualSeed(seed);
  const x = data.x!;
  const edgeIndex = data.edgeIndex!;
  const y = data.y!;
  const classes = Math.max(...y.dataSync()) + 1;
  const [train, val, test] = [data.trainMask, data.valMask, data.testMask].map(nodesOf) as [Tensor, Tensor, Tensor];
  const model = recipe.build(x.shape[1]!, classes);
  const opt = recipe.optimizer(model);
  const accuracy = (logits: Tensor, nodes: Tensor) => logits.indexSelect(0, nodes).argmax(1).eq(y.indexSelect(0, nodes)).float().mean().item();
  const kept = { valAcc: 0, testAcc: 0, epoch: 0 };
  let [bestAcc, bestLoss, waited, epoch] = [-1, Infinity, 0, 0];
  const start = performance.now();
  while (epoch < recipe.epochs && waited < recipe.patience) {
    epoch++;
    model.train();
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x, edgeIndex).indexSelect(0, train), y.indexSelect(0, train));
    loss.backward();
    opt.step();
    model.eval();
    const logits = noGrad(() => model.forward(x, edgeIndex));
    const valLoss = noGrad(() => crossEntropy(logits.indexSelect(0, val), y.indexSelect(0, val)).item());
    const [v, t] = [accuracy(logits, val), accuracy(logits, test)];
    if (v >= bestAcc || valLoss <= bestLoss) {
      if (v >= bestAcc && valLoss <= bestLoss) Object.assign(kept, { valAcc: v, testAcc: t, epoch });
      [bestAcc, bestLoss, waited] = [Math.max(v, bestAcc), Math.min(valLoss, bestLoss), 0];
    } else waited++;
    log?.(epoch, loss.item(), v, t);
  }
  return { testAcc: kept.testAcc, valAcc: kept.valAcc, bestEpoch: kept.epoch, epochs: epoch, msPerEpoch: (performance.now() - start) / epoch };
}
