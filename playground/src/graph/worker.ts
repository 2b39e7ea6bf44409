/** The graph page's worker: trains a KarateTrainer in slices, sending the embedding after each. */
import * as tg from "tensorgrad";
import { reportErrors, trainingLoop } from "../common/worker-loop.js";
import { KarateTrainer } from "./trainer.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
reportErrors(post);
tg.setNumThreads(1); // 34 nodes

let trainer = new KarateTrainer(0); // "New network" draws another seed
let target = 0;
let loss = NaN;

function report(stepsPerSecond: number): void {
  const { embedding, accuracy } = trainer.evaluate();
  post({ type: "update", epoch: trainer.steps, loss, accuracy, embedding, stepsPerSecond, done: !loop.running }, [embedding.buffer]);
}

const loop = trainingLoop(
  () => {
    loss = trainer.step();
    if (trainer.steps >= target) loop.pause();
  },
  report,
  50, // slices of about three frames: the embedding moves smoothly
);

onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "train") {
    if (trainer.steps >= target) target = trainer.steps + m.epochs;
    trainer.optimizer.paramGroups[0]!.lr = m.lr;
    loop.start();
  } else if (m.type === "pause") loop.pause();
  else {
    loop.pause();
    trainer = new KarateTrainer(m.seed, trainer.optimizer.paramGroups[0]!.lr);
    target = 0;
    report(0);
  }
};

post({ type: "graph", nodes: 34, edges: trainer.edgeIndex.dataSync() as Int32Array, communities: trainer.y.dataSync() as Int32Array, labelled: trainer.labelled, mermaid: tg.viz.toMermaid(trainer.model) });
report(0);
