/**
 * PyG's introductory GCN on Zachary's karate club: three GCNConv layers with tanh down to two
 * dimensions and a linear classifier, trained with Adam on the four labelled members (one per
 * community). No messaging here, so the same trainer runs in the page's worker and in Node.
 */
import * as tg from "tensorgrad";

const { nn, optim } = tg;
const { GCNConv } = tg.geometric.nn;

export class GCN extends nn.Module<[tg.Tensor, tg.Tensor], [tg.Tensor, tg.Tensor]> {
  conv1 = new GCNConv(34, 4);
  conv2 = new GCNConv(4, 4);
  conv3 = new GCNConv(4, 2);
  classifier = new nn.Linear(2, 4);

  /** The class scores and the 2-D embedding they are read from. */
  forward(x: tg.Tensor, edgeIndex: tg.Tensor): [tg.Tensor, tg.Tensor] {
    let h = this.conv1.forward(x, edgeIndex).tanh();
    h = this.conv2.forward(h, edgeIndex).tanh();
    h = this.conv3.forward(h, edgeIndex).tanh();
    return [this.classifier.forward(h), h];
  }
}

export class KarateTrainer {
  readonly model: GCN;
  readonly optimizer: tg.optim.Adam;
  readonly x: tg.Tensor;
  readonly edgeIndex: tg.Tensor;
  readonly y: tg.Tensor;
  readonly labelled: number[];
  private readonly trainNodes: tg.Tensor;
  steps = 0;

  constructor(seed: number, lr = 0.01) {
    const data = new tg.geometric.datasets.KarateClub().get(0);
    [this.x, this.edgeIndex, this.y] = [data.x!, data.edgeIndex!, data.y!].map((t) => tg.keep(t)) as [tg.Tensor, tg.Tensor, tg.Tensor];
    this.labelled = Array.from((data.trainMask as tg.Tensor).dataSync(), (v, i) => (v ? i : -1)).filter((i) => i >= 0);
    this.trainNodes = tg.keep(tg.tensor(Int32Array.from(this.labelled), { dtype: "int32" }));
    tg.manualSeed(seed);
    this.model = new GCN();
    this.optimizer = new optim.Adam(this.model.parameters(), { lr });
  }

  /** One full-graph epoch; returns the loss on the labelled members. */
  step(): number {
    this.steps++;
    return tg.scope(() => {
      this.optimizer.zeroGrad();
      const [scores] = this.model.forward(this.x, this.edgeIndex);
      const loss = nn.functional.crossEntropy(scores.indexSelect(0, this.trainNodes), this.y.indexSelect(0, this.trainNodes));
      loss.backward();
      this.optimizer.step();
      return loss.item();
    });
  }

  /** Every member's 2-D embedding, and the accuracy on all 34. */
  evaluate(): { embedding: Float32Array; accuracy: number } {
    return tg.noGrad(() => tg.scope(() => {
      const [scores, h] = this.model.forward(this.x, this.edgeIndex);
      return { embedding: h.dataSync() as Float32Array, accuracy: scores.argmax(1).eq(this.y).float().mean().item() };
    }));
  }
}
