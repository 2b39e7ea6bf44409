/**
 * Trains the 2-D classifier: a small MLP on all the points at once (full-batch steps), and after
 * each slice of steps evaluates it on a grid over [-1, 1]² for the decision regions.
 */
import * as tg from "tensorgrad";
import { reportErrors, trainingLoop } from "../common/worker-loop.js";
import type { FromWorker, NetworkSettings, ToWorker } from "./protocol.js";
import { GRID } from "./protocol.js";
import type { Points } from "./datasets.js";

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
reportErrors(post);
// A few hundred points and 16-unit layers: a second thread would cost more than it saves.
tg.setNumThreads(1);

const { nn, optim } = tg;
const ACTIVATIONS = { tanh: () => new nn.Tanh(), relu: () => new nn.ReLU(), gelu: () => new nn.GELU(), sigmoid: () => new nn.Sigmoid() };

let model: tg.nn.Module<[tg.Tensor], tg.Tensor> | null = null;
let optimizer: tg.optim.Adam | tg.optim.SGD | null = null;
let x: tg.Tensor | null = null;
let y: tg.Tensor | null = null;
let step = 0;
let lastLoss = NaN;
const grid = tg.keep(
  tg.tensor(Float32Array.from({ length: GRID * GRID * 2 }, (_, i) => {
    const cell = i >> 1;
    const v = i % 2 === 0 ? cell % GRID : Math.floor(cell / GRID);
    return ((v + 0.5) / GRID) * 2 - 1;
  })).reshape(GRID * GRID, 2),
);

function build(settings: NetworkSettings, seed: number): void {
  tg.manualSeed(seed);
  model?.parameters().forEach((p) => p.dispose());
  const layers: tg.nn.Module<[tg.Tensor], tg.Tensor>[] = [];
  let width = 2;
  for (const h of settings.hidden) {
    layers.push(new nn.Linear(width, h), ACTIVATIONS[settings.activation]());
    width = h;
  }
  layers.push(new nn.Linear(width, 2));
  model = new nn.Sequential(...layers);
  optimizer = settings.optimizer === "adam" ? new optim.Adam(model.parameters(), { lr: settings.lr }) : new optim.SGD(model.parameters(), { lr: settings.lr, momentum: 0.9 });
  step = 0;
  post({ type: "built", mermaid: tg.viz.toMermaid(model), parameters: model.parameters().reduce((n, p) => n + p.numel(), 0) });
}

function setData(points: Points): void {
  x?.dispose();
  y?.dispose();
  x = tg.keep(tg.tensor(Float32Array.from(points.xy)).reshape(points.labels.length, 2));
  y = tg.keep(tg.tensor(Int32Array.from(points.labels), { dtype: "int32" }));
}

const loop = trainingLoop(
  () => {
    if (!model || !optimizer || !x || !y || y.shape[0] === 0) return loop.pause();
    lastLoss = tg.scope(() => {
      optimizer!.zeroGrad();
      const loss = nn.functional.crossEntropy(model!.forward(x!), y!);
      loss.backward();
      optimizer!.step();
      return loss.item();
    });
    step++;
  },
  (stepsPerSecond) => {
    if (!model || !x || !y) return;
    const { probabilities, accuracy } = tg.noGrad(() => tg.scope(() => ({
      probabilities: model!.forward(grid).softmax(1).select(1, 1).dataSync() as Float32Array,
      accuracy: y!.shape[0] === 0 ? 0 : model!.forward(x!).argmax(1).eq(y!).float().mean().item(),
    })));
    post({ type: "update", step, loss: lastLoss, accuracy, stepsPerSecond, grid: probabilities, gridSize: GRID }, [probabilities.buffer]);
  },
  40,
);

onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "build") build(m.settings, m.seed);
  else if (m.type === "data") setData(m.points);
  else if (m.type === "train") loop.start();
  else loop.pause();
};
