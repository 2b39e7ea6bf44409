/**
 * The 2-D classifier: a small MLP trained on all the points at once (full-batch steps), and its
 * class-1 probability on a grid over [-1, 1]² for the decision regions. No messaging here, so the
 * same trainer runs in the page's worker and in Node (scripts/node-speed.ts).
 */
import * as tg from "tensorgrad";
import type { Points } from "./datasets.js";
import type { NetworkSettings } from "./protocol.js";

const { nn, optim } = tg;
const ACTIVATIONS = { tanh: () => new nn.Tanh(), relu: () => new nn.ReLU(), gelu: () => new nn.GELU(), sigmoid: () => new nn.Sigmoid() };

export class ClassifierTrainer {
  readonly model: tg.nn.Sequential;
  private readonly optimizer: tg.optim.Adam | tg.optim.SGD;
  private x: tg.Tensor | null = null;
  private y: tg.Tensor | null = null;
  private readonly grid: tg.Tensor;
  steps = 0;

  constructor(settings: NetworkSettings, seed: number, readonly gridSize: number) {
    tg.manualSeed(seed);
    const layers: tg.nn.Module<[tg.Tensor], tg.Tensor>[] = [];
    let width = 2;
    for (const h of settings.hidden) {
      layers.push(new nn.Linear(width, h), ACTIVATIONS[settings.activation]());
      width = h;
    }
    layers.push(new nn.Linear(width, 2));
    this.model = new nn.Sequential(...layers);
    this.optimizer = settings.optimizer === "adam" ? new optim.Adam(this.model.parameters(), { lr: settings.lr }) : new optim.SGD(this.model.parameters(), { lr: settings.lr, momentum: 0.9 });
    // The centres of the grid's cells, row by row (y down, as the canvas draws them).
    this.grid = tg.keep(tg.tensor(Float32Array.from({ length: gridSize * gridSize * 2 }, (_, i) => {
      const cell = i >> 1;
      const v = i % 2 === 0 ? cell % gridSize : Math.floor(cell / gridSize);
      return ((v + 0.5) / gridSize) * 2 - 1;
    })).reshape(gridSize * gridSize, 2));
  }

  get hasData(): boolean {
    return (this.y?.shape[0] ?? 0) > 0;
  }

  setData(points: Points): void {
    this.x?.dispose();
    this.y?.dispose();
    this.x = tg.keep(tg.tensor(Float32Array.from(points.xy)).reshape(points.labels.length, 2));
    this.y = tg.keep(tg.tensor(Int32Array.from(points.labels), { dtype: "int32" }));
  }

  /** One full-batch step; returns the loss. */
  step(): number {
    const { model, optimizer, x, y } = this;
    if (!x || !y) throw new Error("no points to train on");
    this.steps++;
    return tg.scope(() => {
      optimizer.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    });
  }

  /** The probability of class 1 in each grid cell, and the accuracy on the points. */
  evaluate(): { probabilities: Float32Array; accuracy: number } {
    return tg.noGrad(() => tg.scope(() => ({
      probabilities: this.model.forward(this.grid).softmax(1).select(1, 1).dataSync() as Float32Array,
      accuracy: this.hasData ? this.model.forward(this.x!).argmax(1).eq(this.y!).float().mean().item() : 0,
    })));
  }

  dispose(): void {
    for (const t of [...this.model.parameters(), this.grid, this.x, this.y]) t?.dispose();
  }
}
