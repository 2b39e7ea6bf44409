/** The 2-D page's worker: builds a ClassifierTrainer on request and trains it in slices. */
import * as tg from "tensorgrad";
import { reportErrors, trainingLoop } from "../common/worker-loop.js";
import { ClassifierTrainer } from "./trainer.js";
import { GRID, type FromWorker, type ToWorker } from "./protocol.js";
import type { Points } from "./datasets.js";

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
reportErrors(post);
// A few hundred points and 16-unit layers: a second thread would cost more than it saves.
tg.setNumThreads(1);

let trainer: ClassifierTrainer | null = null;
let points: Points | null = null;
let loss = NaN;

const loop = trainingLoop(
  () => {
    if (!trainer?.hasData) return loop.pause();
    loss = trainer.step();
  },
  (stepsPerSecond) => {
    if (!trainer) return;
    const { probabilities, accuracy } = trainer.evaluate();
    post({ type: "update", step: trainer.steps, loss, accuracy, stepsPerSecond, grid: probabilities, gridSize: GRID }, [probabilities.buffer]);
  },
  40,
);

onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "build") {
    trainer?.dispose();
    trainer = new ClassifierTrainer(m.settings, m.seed, GRID);
    if (points) trainer.setData(points);
    post({ type: "built", mermaid: tg.viz.toMermaid(trainer.model), parameters: trainer.model.parameters().reduce((n, p) => n + p.numel(), 0) });
  } else if (m.type === "data") {
    points = m.points;
    trainer?.setData(points);
  } else if (m.type === "train") loop.start();
  else loop.pause();
};
