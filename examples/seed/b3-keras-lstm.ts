/**
 * The seed's B.3 — a Keras LSTM sentiment classifier — line for line. IMDB is a download, so the
 * default is the SpamAssassin mails the package embeds, loaded in imdb's form
 * (keras.datasets.spamAssassin); pass a local imdb.npz to use Keras' own file.
 *
 *   npx tsx examples/seed/b3-keras-lstm.ts [epochs] [path/to/imdb.npz]
 */
import { keras } from "tensorgrad";

const epochs = Number(process.argv[2] ?? 5);
const imdbPath = process.argv[3];

// load the dataset
const [[trainData, trainLabels], [testData, testLabels]] = imdbPath
  ? keras.datasets.imdb.loadData({ path: imdbPath, numWords: 10000 })
  : keras.datasets.spamAssassin.loadData({ numWords: 10000 });

// preprocess the text
const maxLen = 120;
const trainX = keras.preprocessing.sequence.padSequences(trainData, { maxlen: maxLen });
const testX = keras.preprocessing.sequence.padSequences(testData, { maxlen: maxLen });

const model = new keras.Sequential([
  new keras.layers.Embedding(10000, 16, { inputLength: maxLen }),
  new keras.layers.LSTM(32),
  new keras.layers.Dense(1, { activation: "sigmoid" }),
]);

model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });

model.fit(trainX, trainLabels, { epochs, batchSize: 32, validationSplit: 0.2 });

const [, testAcc] = model.evaluate(testX, testLabels) as number[];
console.log("Test accuracy:", testAcc);
