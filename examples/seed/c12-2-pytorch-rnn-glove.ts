/**
 * The seed's 12.2 — an RNN text classifier with GloVe vectors — line for line, with tensorgrad's
 * text tools for torchtext's Field/BatchIterator and the SpamAssassin mails the package embeds for
 * the IMDB download (split 80/20 for training and test, and the training part again for
 * validation). GloVe vectors load from a local file (--glove glove.6B.100d.txt); without one the
 * embedding starts random.
 *
 * Where the seed's code is itself wrong: nn.RNN returns (output, h_n), not (output, (h_n, c_n)), so
 * `const [, hidden] = this.rnn.forward(embedded)`; `vocab = len(TEXT.vocab)` comes before the
 * vocabulary is built, so the size is read after; `device` is used before it is defined.
 *
 *   npx tsx examples/seed/c12-2-pytorch-rnn-glove.ts [--epochs 5] [--glove FILE] [--limit N]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { nn, data } = tg;
const { values: args } = parseArgs({ options: { epochs: { type: "string", default: "5" }, glove: { type: "string" }, limit: { type: "string" } } });
const numEpochs = Number(args.epochs);
const first = <T,>(ds: tg.data.Dataset<T>) => (args.limit ? new data.Subset(ds, Array.from({ length: Math.min(Number(args.limit), ds.length) }, (_, i) => i)) : ds);

const device = "cpu";

// load the dataset
const trainAll = first<[string, number]>(new data.SpamAssassin({ train: true }));
const testData = first<[string, number]>(new data.SpamAssassin({ train: false }));

// define the fields: lower-cased basic_english tokens; labels as they are
const TEXT = (line: string) => data.text.basicEnglishTokenizer(line.toLowerCase());

// split the dataset (torchtext's default: 70% for training)
const [trainData, validData] = data.randomSplit(trainAll, [0.7, 0.3]);

// build the vocabulary, with GloVe vectors where the file has the word
const vocab = data.text.Vocab.build([...trainData!].map(([t]) => TEXT(t)), { maxSize: 25000 });
const vectors = args.glove ? await data.loadGlove(args.glove, vocab, { lowercase: true }) : null;
const vocabSize = vocab.length;

// create the data loaders: [T, N] word indices (sequence first, as nn.RNN's default) and labels
const iterator = (ds: tg.data.Dataset<[string, number]>, shuffle: boolean) =>
  new data.DataLoader(
    new data.TensorDataset(data.text.padSequences([...ds].map(([t]) => vocab.lookupIndices(TEXT(t))), { maxlen: 200 }), tg.tensor([...ds].map(([, l]) => l))),
    { batchSize: 64, shuffle },
  );
const [trainIterator, validIterator, testIterator] = [iterator(trainData!, true), iterator(validData!, false), iterator(testData, false)];

class RNNClassifier extends nn.Module {
  embedding: tg.nn.Embedding;
  rnn: tg.nn.RNN;
  fc: tg.nn.Linear;

  constructor(vocabSize: number, { embedDim, hiddenDim, outputDim, numLayers, dropout }: { embedDim: number; hiddenDim: number; outputDim: number; numLayers: number; dropout: number }) {
    super();
    this.embedding = new nn.Embedding(vocabSize, embedDim);
    this.rnn = new nn.RNN(embedDim, hiddenDim, { numLayers, dropout });
    this.fc = new nn.Linear(hiddenDim, outputDim);
  }

  forward(text: tg.Tensor): tg.Tensor {
    const embedded = this.embedding.forward(text);
    const [, hidden] = this.rnn.forward(embedded);
    const last = hidden.select(0, -1); // hidden[-1, :, :]
    return this.fc.forward(last);
  }
}

const model = new RNNClassifier(vocabSize, { embedDim: vectors?.dim ?? 100, hiddenDim: 128, outputDim: 1, numLayers: 2, dropout: 0.5 });
if (vectors) tg.noGrad(() => model.embedding.weight.copy_(vectors.vectors));
model.to(device);

const optimizer = new tg.optim.Adam(model.parameters(), { lr: 0.001 });
const criterion = new nn.BCEWithLogitsLoss();

const accuracy = (batches: typeof testIterator) => {
  model.eval();
  let correct = 0;
  let total = 0;
  tg.noGrad(() => {
    for (const [text, labels] of batches) {
      const outputs = model.forward(text.t().to(device));
      const predicted = outputs.squeeze(1).gt(0).float();
      total += labels.size(0);
      correct += predicted.eq(labels.to(device)).sum().item();
    }
  });
  return (100 * correct) / total;
};

let loss = tg.tensor(0);
for (let epoch = 0; epoch < numEpochs; epoch++) {
  model.train();
  for (const [text, labels] of trainIterator) {
    optimizer.zeroGrad();
    const outputs = model.forward(text.t().to(device));
    loss = criterion.forward(outputs.squeeze(), labels.float().to(device));
    loss.backward();
    optimizer.step();
  }
  console.log(`Epoch ${epoch + 1}, Loss: ${loss.item()}`);
}

console.log(`Validation Accuracy: ${accuracy(validIterator)}%`);
console.log(`Test Accuracy: ${accuracy(testIterator)}%`);
