/**
 * A small character-level GPT (tg.text.GPT, nanoGPT's model) trained on the first chapters of
 * Moby-Dick with nanoGPT's recipe (AdamW, warm-up then cosine decay), and sampled token by token:
 * each token is posted as soon as it is drawn, and the worker yields between tokens so that a
 * "pause" or the next request is heard.
 */
import * as tg from "tensorgrad";
import { reportErrors, trainingLoop } from "../common/worker-loop.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const post = (m: FromWorker) => postMessage(m);
reportErrors(post);
const { GPT, lmBatch, configureOptimizer, learningRateAt, streamTokens } = tg.text;
// Smaller than nanoGPT's baby GPT (4 × 128) so that it learns words within a minute in a page.
const CONFIG = { blockSize: 64, nLayer: 3, nHead: 4, nEmbd: 96, bias: false, dropout: 0 };
const BATCH = 16;
const SCHEDULE = { lr: 2e-3, minLr: 2e-4, warmupIters: 50, lrDecayIters: 1500 };

let tokenizer: tg.data.text.CharTokenizer;
let train: Int32Array;
let val: Int32Array;
let model: InstanceType<typeof GPT>;
let optimizer: tg.optim.AdamW;
const generator = new tg.Generator(1337);
let iter = 0;
let target = 0;
let lossSum = 0;
let lossCount = 0;
let lastEval = 0;

function validationLoss(): number {
  return tg.noGrad(() => tg.scope(() => {
    model.eval();
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      const { x, y } = lmBatch(val, CONFIG.blockSize, BATCH, generator);
      sum += model.forward(x, { targets: y }).loss!.item();
    }
    model.train();
    return sum / 4;
  }));
}

const loop = trainingLoop(
  () => {
    const rate = learningRateAt(iter, SCHEDULE);
    for (const g of optimizer.paramGroups) g.lr = rate;
    lossSum += tg.scope(() => {
      const { x, y } = lmBatch(train, CONFIG.blockSize, BATCH, generator);
      optimizer.zeroGrad();
      const loss = model.forward(x, { targets: y }).loss!;
      loss.backward();
      tg.nn.utils.clipGradNorm(model.parameters(), 1);
      optimizer.step();
      return loss.item();
    });
    lossCount++;
    if (++iter >= target) loop.pause();
  },
  (stepsPerSecond) => {
    const done = !loop.running;
    const valLoss = done || iter - lastEval >= 100 ? validationLoss() : undefined;
    if (valLoss !== undefined) lastEval = iter;
    post({ type: "progress", iter, loss: lossSum / Math.max(lossCount, 1), stepsPerSecond, done, ...(valLoss !== undefined ? { valLoss } : {}) });
    lossSum = 0;
    lossCount = 0;
  },
  100,
);

/** Streams tokens, yielding to the message queue after each (a MessageChannel hop, not clamped). */
async function generate(prompt: string, tokens: number, temperature: number): Promise<void> {
  // Characters the text never used have no token: they are left out of the prompt.
  const known = [...prompt].filter((c) => {
    try {
      return tokenizer.encode(c).length === 1;
    } catch {
      return false;
    }
  });
  const ids = tokenizer.encode(known.join("") || "\n");
  const t0 = performance.now();
  const hop = new MessageChannel();
  let n = 0;
  for (const id of streamTokens(model, ids, { maxNewTokens: tokens, temperature, topK: 40, generator })) {
    post({ type: "token", text: tokenizer.decode([id]) });
    n++;
    await new Promise<void>((resolve) => {
      hop.port1.onmessage = () => resolve();
      hop.port2.postMessage(null);
    });
  }
  model.train();
  post({ type: "generated", tokens: n, seconds: (performance.now() - t0) / 1000 });
}

onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "init") void init(m.textUrl);
  else if (m.type === "train") {
    if (iter >= target) target = iter + m.iters;
    loop.start();
  } else if (m.type === "pause") loop.pause();
  else void generate(m.prompt, m.tokens, m.temperature);
};

async function init(textUrl: string): Promise<void> {
  const response = await fetch(textUrl);
  if (!response.ok) throw new Error(`${textUrl}: ${response.status} (build the playground's assets: npm run build:playground)`);
  const text = await response.text();
  tokenizer = tg.data.text.CharTokenizer.fromText(text);
  const ids = Int32Array.from(tokenizer.encode(text));
  const n = Math.floor(ids.length * 0.9);
  [train, val] = [ids.subarray(0, n), ids.subarray(n)];
  tg.manualSeed(1337);
  model = new GPT({ ...CONFIG, vocabSize: tokenizer.vocabSize });
  optimizer = configureOptimizer(model, { lr: SCHEDULE.lr, betas: [0.9, 0.99] });
  post({
    type: "ready", characters: text.length, vocabulary: tokenizer.vocabSize, parameters: model.numParams(), mermaid: tg.viz.toMermaid(model),
    config: `${CONFIG.nLayer} layers × ${CONFIG.nHead} heads, ${CONFIG.nEmbd} wide, context ${CONFIG.blockSize}, batch ${BATCH}`,
  });
}
