/**
 * cnn-keras: Conv2D(32, 3) → MaxPooling2D → Flatten → Dense(128, relu) → Dense(10, softmax) on
 * channels-last images, trained with categorical cross-entropy on one-hot labels (Keras style).
 *
 *   npx tsx examples/cnn-keras.ts [--epochs 5] [--batch-size 64] [--data DIR | --fashion] [--limit N] [--save DIR]
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
/** Images as channels-last [N, 28, 28, 1] and labels one-hot [N, 10]. */
const arrays = (train: boolean): [tg.Tensor, tg.Tensor] => {
  const ds = load(train);
  const n = Math.min(Number(args.limit ?? ds.length), ds.length);
  const images = ds.images().narrow(0, 0, n).permute(0, 2, 3, 1).contiguous();
  return [images, data.text.toCategorical(ds.targets().narrow(0, 0, n), 10)];
};
const [xTrain, yTrain] = arrays(true);
const [xTest, yTest] = arrays(false);

const model = new keras.Sequential([
  new keras.Conv2D(32, 3, { activation: "relu", inputShape: [28, 28, 1] }),
  new keras.MaxPooling2D(2),
  new keras.Flatten(),
  new keras.Dense(128, { activation: "relu" }),
  new keras.Dense(10, { activation: "softmax" }),
]);
model.compile({ optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"] });
model.summary();
model.fit(xTrain, yTrain, { epochs: Number(args.epochs), batchSize: Number(args["batch-size"]), verbose: Number(args.verbose) as 0 | 1 | 2 });
const { accuracy } = model.evaluate(xTest, yTest, { returnDict: true });
console.log(`test accuracy ${(100 * accuracy!).toFixed(2)}%`);
if (args.save) model.save(args.save);
