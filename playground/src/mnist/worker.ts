/** The MNIST page's worker: loads the digits, trains an MnistTrainer in slices, answers "look". */
import * as tg from "tensorgrad";
import { fetchDigits } from "../common/mnist-digits.js";
import { reportErrors, trainingLoop } from "../common/worker-loop.js";
import { MnistTrainer } from "./trainer.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
reportErrors(post);

let trainer: MnistTrainer;
let target = 0; // the step this run of training stops at
let lossSum = 0;
let lossCount = 0;
let lastEval = 0;

function postFilters(): void {
  const weights = trainer.filters();
  post({ type: "filters", weights, count: 6, size: 3 }, [weights.buffer]);
}

const loop = trainingLoop(
  () => {
    lossSum += trainer.step();
    lossCount++;
    if (trainer.steps >= target) loop.pause();
  },
  (stepsPerSecond) => {
    const done = !loop.running;
    // The test accuracy every ~40 steps (2,000 images: about as long as 10 steps) and at the end.
    const testAccuracy = done || trainer.steps - lastEval >= 40 ? trainer.testAccuracy() : undefined;
    if (testAccuracy !== undefined) lastEval = trainer.steps;
    const { steps, stepsPerEpoch } = trainer;
    post({ type: "progress", step: steps, epoch: steps / stepsPerEpoch, loss: lossSum / Math.max(lossCount, 1), stepsPerSecond, ...(testAccuracy !== undefined ? { testAccuracy } : {}), done });
    lossSum = 0;
    lossCount = 0;
    postFilters();
  },
  100,
);

async function init(dataUrl: string): Promise<void> {
  const { train, test } = await fetchDigits(dataUrl);
  trainer = new MnistTrainer(train, test);
  postFilters();
  post({
    type: "ready", train: train.labels.length, test: test.labels.length, mermaid: tg.viz.toMermaid(trainer.model),
    parameters: trainer.model.parameters().reduce((n, p) => n + p.numel(), 0), threads: tg.getNumThreads(),
  });
}

onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "init") void init(m.dataUrl);
  else if (m.type === "train") {
    // A finished run trains for the epochs asked again, from where it is.
    if (trainer.steps >= target) target = trainer.steps + Math.round(m.epochs * trainer.stepsPerEpoch);
    trainer.optimizer.paramGroups[0]!.lr = m.lr;
    loop.start();
  } else if (m.type === "pause") loop.pause();
  else {
    const { probabilities, activations, saliency } = trainer.look(m.pixels);
    post({ type: "look", probabilities, activations, saliency }, [probabilities.buffer, saliency.buffer, ...activations.map((a) => a.values.buffer)]);
  }
};
