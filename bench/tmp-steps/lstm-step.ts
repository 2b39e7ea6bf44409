import * as tg from "tensorgrad";
import { LstmClassifier, tgTrainStep } from "../models.js";
tg.manualSeed(0);
const ids = tg.randint(0, 10000, [32, 120]);
const target = tg.randint(0, 2, [32]).float();
const step = tgTrainStep(new LstmClassifier(), ids, target, tg.nn.functional.binaryCrossEntropyWithLogits);
for (let i = 0; i < 30; i++) step();
const times: number[] = [];
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  for (let i = 0; i < 100; i++) step();
  times.push((performance.now() - t) / 100);
}
console.log("LSTM step ms", times.map((t) => t.toFixed(2)).join(" "));
