/**
 * The seed's B.4 — a PyTorch LSTM text classifier — line for line, with tensorgrad's text tools for
 * torchtext's (basic_english tokenizer, a vocabulary of the 25,000 most frequent words, padded
 * batches for BucketIterator). IMDB is a download, so the default is the SpamAssassin mails the
 * package embeds (data.IMDB({root}) reads an aclImdb folder: pass its path).
 *
 * Where the seed's code is itself wrong: BCEWithLogitsLoss is given output [N, 1] and labels [N]
 * (PyTorch refuses the mismatch), so the output is squeezed to [N] and the labels made float.
 *
 *   npx tsx examples/seed/b4-pytorch-lstm.ts [--epochs 5] [--imdb path/to/aclImdb] [--limit N]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { nn, data } = tg;
const { values: args } = parseArgs({ options: { epochs: { type: "string", default: "5" }, imdb: { type: "string" }, limit: { type: "string" } } });
const numEpochs = Number(args.epochs);
// --limit N: the first N texts of each split (a quick run)
const first = <T,>(ds: tg.data.Dataset<T>) => (args.limit ? new data.Subset(ds, Array.from({ length: Math.min(Number(args.limit), ds.length) }, (_, i) => i)) : ds);

// load the dataset
const load = (train: boolean) => first<[string, number]>(args.imdb ? new data.IMDB({ root: args.imdb, train }) : new data.SpamAssassin({ train }));
const trainData = load(true);
const testData = load(false);

// preprocess the text
const tokenizer = data.text.basicEnglishTokenizer;
const processedTrainData = [...trainData].map(([line]) => tokenizer(line));
const processedTestData = [...testData].map(([line]) => tokenizer(line));

// the vocabulary
const vocab = data.text.Vocab.build(processedTrainData, { maxSize: 25000 });

// data loaders: padded batches of word indices (batch first) and labels
const encode = (texts: string[][], labels: number[]) =>
  new data.TensorDataset(data.text.padSequences(texts.map((t) => vocab.lookupIndices(t)), { maxlen: 200 }), tg.tensor(labels));
const trainLoader = new data.DataLoader(encode(processedTrainData, [...trainData].map(([, l]) => l)), { batchSize: 32, shuffle: true });
const testLoader = new data.DataLoader(encode(processedTestData, [...testData].map(([, l]) => l)), { batchSize: 32, shuffle: false });

class TextClassifier extends nn.Module {
  embedding: tg.nn.Embedding;
  lstm: tg.nn.LSTM;
  fc: tg.nn.Linear;

  constructor(vocabSize: number, embedDim: number, hiddenDim: number) {
    super();
    this.embedding = new nn.Embedding(vocabSize, embedDim);
    this.lstm = new nn.LSTM(embedDim, hiddenDim, { batchFirst: true });
    this.fc = new nn.Linear(hiddenDim, 1);
  }

  forward(text: tg.Tensor): tg.Tensor {
    const embedded = this.embedding.forward(text);
    const [, [hidden]] = this.lstm.forward(embedded);
    const last = hidden.select(0, -1); // hidden[-1, :, :]
    const out = this.fc.forward(last);
    return out;
  }
}

const model = new TextClassifier(vocab.length, 50, 100);
const lossFn = new nn.BCEWithLogitsLoss();
const optimizer = new tg.optim.Adam(model.parameters(), { lr: 0.001 });

let loss = tg.tensor(0);
for (let epoch = 0; epoch < numEpochs; epoch++) {
  for (const [text, labels] of trainLoader) {
    optimizer.zeroGrad();
    const output = model.forward(text);
    loss = lossFn.forward(output.squeeze(1), labels.float());
    loss.backward();
    optimizer.step();
  }
  console.log(`Epoch ${epoch + 1}, Loss: ${loss.item()}`);
}
console.log("Finished Training");

model.eval();
let correct = 0;
let total = 0;
tg.noGrad(() => {
  for (const [text, labels] of testLoader) {
    const output = model.forward(text);
    const predicted = output.squeeze(1).gt(0).float();
    total += labels.size(0);
    correct += predicted.eq(labels).sum().item();
  }
});
console.log(`Accuracy: ${(100 * correct) / total}%`);
