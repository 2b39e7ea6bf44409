/**
 * mlp-mnist: the seed's Keras MLP — Flatten → Dense(128, relu) → Dense(64, relu) → Dense(10,
 * softmax), Adam, sparse categorical cross-entropy, 5 epochs — with compile/fit/evaluate.
 * Embedded MNIST digits by default; --data DIR reads MNIST IDX files, --fashion Debian's
 * Fashion-MNIST.
 *
 *   npx tsx examples/mlp-mnist.ts [--epochs 5] [--batch-size 64] [--data DIR | --fashion] [--limit N] [--save DIR]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { keras, data } = tg;
const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "5" },
    "batch-size": { type: "string", default: "64" },
    seed: { type: "string", default: "0" },
    data: { type: "string" },
    fashion: { type: "boolean", default: false },
    limit: { type: "string" },
    save: { type: "string" },
    verbose: { type: "string", default: "1" },
  },
});

tg.manualSeed(Number(args.seed));
const load = (train: boolean) =>
  args.fashion ? new data.FashionMNIST({ train }) : args.data ? new data.MNIST({ root: args.data, train }) : new data.EmbeddedMNIST({ train });
const arrays = (train: boolean): [tg.Tensor, tg.Tensor] => {
  const ds = load(train);
  const n = Math.min(Number(args.limit ?? ds.length), ds.length);
  return [ds.images().narrow(0, 0, n).reshape(n, 28, 28), ds.targets().narrow(0, 0, n)];
};
const [xTrain, yTrain] = arrays(true);
const [xTest, yTest] = arrays(false);

const model = new keras.Sequential([
  new keras.Flatten({ inputShape: [28, 28] }),
  new keras.Dense(128, { activation: "relu" }),
  new keras.Dense(64, { activation: "relu" }),
  new keras.Dense(10, { activation: "softmax" }),
]);
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
model.summary();
model.fit(xTrain, yTrain, { epochs: Number(args.epochs), batchSize: Number(args["batch-size"]), validationSplit: 0.1, verbose: Number(args.verbose) as 0 | 1 | 2 });
const { loss, accuracy } = model.evaluate(xTest, yTest, { returnDict: true });
console.log(`test loss ${loss!.toFixed(4)}, test accuracy ${(100 * accuracy!).toFixed(2)}%`);
if (args.save) model.save(args.save);
