/**
 * The text page's worker: trains a CharGPTTrainer in slices and streams generated text, posting
 * each token as soon as it is drawn and yielding between tokens so that the next request is heard.
 */
import * as tg from "tensorgrad";
import { reportErrors, trainingLoop } from "../common/worker-loop.js";
import { BATCH, CONFIG, CharGPTTrainer } from "./trainer.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const post = (m: FromWorker) => postMessage(m);
reportErrors(post);

let trainer: CharGPTTrainer;
let target = 0;
let lossSum = 0;
let lossCount = 0;
let lastEval = 0;

const loop = trainingLoop(
  () => {
    lossSum += trainer.step();
    lossCount++;
    if (trainer.steps >= target) loop.pause();
  },
  (stepsPerSecond) => {
    const done = !loop.running;
    const valLoss = done || trainer.steps - lastEval >= 100 ? trainer.validationLoss() : undefined;
    if (valLoss !== undefined) lastEval = trainer.steps;
    post({ type: "progress", iter: trainer.steps, loss: lossSum / Math.max(lossCount, 1), stepsPerSecond, done, ...(valLoss !== undefined ? { valLoss } : {}) });
    lossSum = 0;
    lossCount = 0;
  },
  100,
);

async function generate(prompt: string, tokens: number, temperature: number): Promise<void> {
  const t0 = performance.now();
  const hop = new MessageChannel(); // a yield to the message queue that setTimeout's clamp does not slow
  let n = 0;
  for (const text of trainer.stream(prompt, tokens, temperature)) {
    post({ type: "token", text });
    n++;
    await new Promise<void>((resolve) => {
      hop.port1.onmessage = () => resolve();
      hop.port2.postMessage(null);
    });
  }
  post({ type: "generated", tokens: n, seconds: (performance.now() - t0) / 1000 });
}

async function init(textUrl: string): Promise<void> {
  const response = await fetch(textUrl);
  if (!response.ok) throw new Error(`${textUrl}: ${response.status} (build the playground's assets: npm run build:playground)`);
  const text = await response.text();
  trainer = new CharGPTTrainer(text);
  post({
    type: "ready", characters: text.length, vocabulary: trainer.tokenizer.vocabSize, parameters: trainer.model.numParams(), mermaid: tg.viz.toMermaid(trainer.model),
    config: `${CONFIG.nLayer} layers × ${CONFIG.nHead} heads, ${CONFIG.nEmbd} wide, context ${CONFIG.blockSize}, batch ${BATCH}`,
  });
}

onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "init") void init(m.textUrl);
  else if (m.type === "train") {
    if (trainer.steps >= target) target = trainer.steps + m.iters;
    loop.start();
  } else if (m.type === "pause") loop.pause();
  else void generate(m.prompt, m.tokens, m.temperature);
};
