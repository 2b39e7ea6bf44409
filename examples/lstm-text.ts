/**
 * lstm-text: Embedding → LSTM → Dense(1, sigmoid) on real text — SpamAssassin e-mails (spam or
 * ham) by default, IMDB reviews with --imdb DIR (an aclImdb folder). Texts are tokenised with
 * torchtext's basic_english rules, the vocabulary keeps the 10,000 most frequent words, and
 * sequences are padded to 120 tokens; --glove FILE initialises the embedding from GloVe vectors.
 * --device webgpu builds the model on the GPU; fitAsync and evaluateAsync train and test it there
 * (the data stays on the CPU and each batch moves), as they do on the CPU.
 *
 *   npx tsx examples/lstm-text.ts [--epochs 3] [--batch-size 64] [--imdb DIR] [--glove FILE] [--limit N] [--device cpu|webgpu]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { keras, data, noGrad } = tg;
const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "3" },
    "batch-size": { type: "string", default: "64" },
    seed: { type: "string", default: "0" },
    imdb: { type: "string" },
    glove: { type: "string" },
    limit: { type: "string" },
    verbose: { type: "string", default: "1" },
    device: { type: "string", default: "cpu" },
  },
});
const MAXLEN = 120;
const VOCAB = 10000;
const EMBED = args.glove ? undefined : 16;

tg.manualSeed(Number(args.seed));
const load = (train: boolean): tg.data.Dataset<[string, number]> => (args.imdb ? new data.IMDB({ root: args.imdb, train }) : new data.SpamAssassin({ train }));
const cap = <T,>(ds: tg.data.Dataset<T>) => (args.limit ? new data.Subset(ds, data.randomPermutation(ds.length).slice(0, Number(args.limit))) : ds);
const train = cap(load(true));
const test = cap(load(false));
const texts = (ds: tg.data.Dataset<[string, number]>) => [...ds].map(([t]) => data.text.basicEnglishTokenizer(t));
const labels = (ds: tg.data.Dataset<[string, number]>) => tg.tensor([...ds].map(([, l]) => l));

const trainTokens = texts(train);
const vocab = data.text.Vocab.build(trainTokens, { maxSize: VOCAB });
const encode = (tokens: string[][]) => data.text.padSequences(tokens.map((t) => vocab.lookupIndices(t)), { maxlen: MAXLEN });
const xTrain = encode(trainTokens);
const yTrain = labels(train);
const xTest = encode(texts(test));
const yTest = labels(test);
console.log(`${train.length} training and ${test.length} test texts, ${vocab.length} words in the vocabulary`);

let glove: tg.data.GloveResult | null = null;
if (args.glove) {
  glove = await data.loadGlove(args.glove, vocab, { lowercase: true });
  console.log(`GloVe: ${glove.found} of ${vocab.length} words have a ${glove.dim}-d vector`);
}

await tg.setDefaultDevice(args.device); // the weights are made there
const embedding = new keras.Embedding(vocab.length, glove ? glove.dim : EMBED!, { inputShape: [MAXLEN] });
const model = new keras.Sequential([embedding, new keras.LSTM(32), new keras.Dense(1, { activation: "sigmoid" })]);
if (glove) noGrad(() => (embedding.module as tg.nn.Embedding).weight.copy_(glove!.vectors.toBackend(embedding.module!.parameters()[0]!.backend)));
model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
await model.fitAsync(xTrain, yTrain, { epochs: Number(args.epochs), batchSize: Number(args["batch-size"]), verbose: Number(args.verbose) as 0 | 1 | 2 });
const { accuracy } = await model.evaluateAsync(xTest, yTest, { returnDict: true });
console.log(`test accuracy ${(100 * accuracy!).toFixed(2)}%`);
