/**
 * Writes the data of the results table's recipes once, as safetensors, so that tensorgrad's examples
 * and their PyTorch/Keras references (tools/results_reference.py) train on the same arrays:
 *
 *   mnist-embedded.safetensors   the 7,996 / 2,004 embedded digits, float32 [N, 28, 28] in [0, 1], int32 labels
 *   fashion-mnist.safetensors    Debian's Fashion-MNIST, the same layout (skipped when not installed)
 *   spam-lstm.safetensors        SpamAssassin as examples/lstm-text.ts encodes it: basic_english tokens,
 *                                the 10,000 most frequent training words, pre-padded/truncated to 120
 *   spam-transformer.safetensors SpamAssassin as examples/transformer.ts encodes it: 5,000 words,
 *                                post-padded/truncated to 64 with <pad> (index 1)
 *
 * The text encodings repeat the examples' calls (the same library functions with the same
 * settings); the vocabulary size is in each file's metadata.
 *
 *   npx tsx tools/results-data.ts [--out .cache/results-data]
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { data } = tg;
const { values: args } = parseArgs({ options: { out: { type: "string", default: ".cache/results-data" } } });
const out = args.out!;
mkdirSync(out, { recursive: true });

type Images = tg.data.EmbeddedMNIST | tg.data.FashionMNIST;
function saveImages(file: string, load: (train: boolean) => Images): void {
  const arrays = (ds: Images): [tg.Tensor, tg.Tensor] => [ds.images().reshape(ds.length, 28, 28).contiguous(), ds.targets().int()];
  const [xTrain, yTrain] = arrays(load(true));
  const [xTest, yTest] = arrays(load(false));
  tg.io.saveSafetensors(path.join(out, file), { xTrain, yTrain, xTest, yTest });
  console.log(`${file}: ${xTrain.shape[0]} training and ${xTest.shape[0]} test images`);
}

function saveText(file: string, maxSize: number, pad: Parameters<typeof data.text.padSequences>[1]): void {
  const tokens = (ds: tg.data.SpamAssassin) => ds.texts.map((t) => data.text.basicEnglishTokenizer(t));
  const train = new data.SpamAssassin({ train: true });
  const test = new data.SpamAssassin({ train: false });
  const trainTokens = tokens(train);
  const vocab = data.text.Vocab.build(trainTokens, { maxSize });
  const encode = (ts: string[][]) => data.text.padSequences(ts.map((t) => vocab.lookupIndices(t)), pad).int();
  const labels = (ds: tg.data.SpamAssassin) => tg.tensor([...ds.labels], { dtype: "int32" });
  tg.io.saveSafetensors(path.join(out, file), { xTrain: encode(trainTokens), yTrain: labels(train), xTest: encode(tokens(test)), yTest: labels(test) }, { vocab: String(vocab.length) });
  console.log(`${file}: ${train.length} training and ${test.length} test texts, ${vocab.length} words`);
}

saveImages("mnist-embedded.safetensors", (train) => new data.EmbeddedMNIST({ train }));
if (existsSync(data.DEBIAN_FASHION_MNIST)) saveImages("fashion-mnist.safetensors", (train) => new data.FashionMNIST({ train }));
else console.log(`fashion-mnist: not installed at ${data.DEBIAN_FASHION_MNIST} (sh tools/system-deps.sh), skipped`);
saveText("spam-lstm.safetensors", 10000, { maxlen: 120 });
saveText("spam-transformer.safetensors", 5000, { maxlen: 64, padding: "post", truncating: "post", value: 1 });
