/**
 * explain-text: which words make the LSTM spam classifier call an e-mail spam. The classifier of
 * lstm-text (Embedding → LSTM → Dense(1, sigmoid), Keras-style) is trained on SpamAssassin; then
 * integrated gradients over its embeddings — from the all-zero embedding — give each token of a few
 * test messages a score, summed over the embedding dims. The scores sum to F(text) − F(baseline)
 * (checked), the tokens pushing hardest toward spam and toward ham are printed, and the messages are written as highlighted HTML.
 *
 *   npx tsx examples/explain-text.ts [--epochs 3] [--messages 6] [--limit N] [--out explain-text.html]
 */
import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import * as tg from "tensorgrad";

const { keras, data, explain, viz } = tg;
const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "3" },
    messages: { type: "string", default: "6" },
    limit: { type: "string" },
    steps: { type: "string", default: "50" },
    seed: { type: "string", default: "0" },
    out: { type: "string", default: "explain-text.html" },
  },
});
const MAXLEN = 120;

tg.manualSeed(Number(args.seed));
const cap = <T,>(ds: tg.data.Dataset<T>) => (args.limit ? new data.Subset(ds, data.randomPermutation(ds.length).slice(0, Number(args.limit))) : ds);
const train = cap(new data.SpamAssassin({ train: true }));
const test = cap(new data.SpamAssassin({ train: false }));
const tokenize = (ds: tg.data.Dataset<[string, number]>) => [...ds].map(([t]) => data.text.basicEnglishTokenizer(t));
const trainTokens = tokenize(train);
const vocab = data.text.Vocab.build(trainTokens, { maxSize: 10000 });
const encode = (tokens: string[][]) => data.text.padSequences(tokens.map((t) => vocab.lookupIndices(t)), { maxlen: MAXLEN });
const labels = (ds: tg.data.Dataset<[string, number]>) => tg.tensor([...ds].map(([, l]) => l));

const embedding = new keras.Embedding(vocab.length, 16, { inputShape: [MAXLEN] });
const model = new keras.Sequential([embedding, new keras.LSTM(32), new keras.Dense(1, { activation: "sigmoid" })]);
model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
model.fit(encode(trainTokens), labels(train), { epochs: Number(args.epochs), batchSize: 64, verbose: 0 });
const testTokens = tokenize(test);
const xTest = encode(testTokens);
const { accuracy } = model.evaluate(xTest, labels(test), { returnDict: true });
console.log(`${train.length} training messages; test accuracy ${(100 * accuracy!).toFixed(2)}%`);

// A few test messages, spam and ham alternately.
const wanted = Number(args.messages);
const chosen: number[] = [];
const testLabels = [...test].map(([, l]) => l);
for (let i = 0; i < test.length && chosen.length < wanted; i++) if (testLabels[i] === chosen.length % 2) chosen.push(i);
const x = xTest.indexSelect(0, tg.tensor(chosen, { dtype: "int32" }));

// Integrated gradients in embedding space: the model after its embedding layer is a function of the
// (M, T, 16) embeddings, explained from the all-zero embedding — a neutral text, where the padding
// id's learned vector is not (the classifier reads long runs of padding in front of short messages).
const rest = (emb: tg.Tensor) => model.layers.slice(1).reduce((h, layer) => layer.call(h), emb);
const embedded = tg.noGrad(() => embedding.call(x));
const ig = new explain.IntegratedGradients(rest);
const [attr, delta] = ig.attribute(embedded, { baselines: 0, nSteps: Number(args.steps), returnConvergenceDelta: true });
const perToken = attr.sum(2); // (M, MAXLEN)
const probs = tg.noGrad(() => model.call(x)).reshape([-1]);
console.log(`the baseline (zero embeddings) scores P(spam) = ${(tg.noGrad(() => rest(tg.zerosLike(embedded.narrow(0, 0, 1)))).item() as number).toFixed(3)}`);
console.log(`completeness: largest |Σ token scores − (F(text) − F(baseline))| = ${(delta.abs().max().item() as number).toExponential(2)}`);

const ids = x.tolist() as number[][];
const scores = perToken.tolist() as number[][];
const blocks = chosen.map((_, m) => {
  const start = Math.max(0, ids[m]!.findIndex((id) => id !== 0)); // padding comes first
  const tokens = vocab.lookupTokens(ids[m]!.slice(start));
  const s = scores[m]!.slice(start);
  const ranked = tokens.map((t, k) => [t, s[k]!] as const).sort((a, b) => b[1] - a[1]);
  const show = (list: (readonly [string, number])[]) => list.map(([t, v]) => `${t} ${v >= 0 ? "+" : ""}${v.toFixed(3)}`).join(", ");
  const kind = testLabels[chosen[m]!] === 1 ? "spam" : "ham";
  const p = probs.select(0, m).item() as number;
  console.log(`${kind.padEnd(4)} P(spam) ${p.toFixed(3)}  toward spam: ${show(ranked.slice(0, 4))}; toward ham: ${show(ranked.slice(-4).reverse())}`);
  return viz.tokensToHTML(tokens, s, { title: `${kind} — P(spam) = ${p.toFixed(3)}` });
});
writeFileSync(args.out!, `<!doctype html>\n<meta charset="utf-8">\n<title>Integrated gradients on the spam classifier</title>\n${blocks.join("<hr>\n")}`);
console.log(`wrote ${args.out}`);
