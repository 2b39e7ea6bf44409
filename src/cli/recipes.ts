/** The models `tensorgrad train <recipe>` knows, built with tg.keras, and the data each reads. */
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import * as keras from "../keras/index.js";
import { EmbeddedMNIST } from "../data/datasets/embedded-mnist.js";
import { FashionMNIST, MNIST, type ImageClassification } from "../data/datasets/mnist.js";
import { SpamAssassin } from "../data/datasets/text-corpora.js";
import { IMDB } from "../data/datasets/imdb.js";
import { basicEnglishTokenizer } from "../data/text/tokenizer.js";
import { Vocab } from "../data/text/vocab.js";
import { padSequences } from "../data/text/sequences.js";
import { randomAffine, type Transform } from "../data/transforms/transforms.js";
import { DataLoader } from "../data/dataloader.js";
import { Subset } from "../data/dataset.js";
import { Callback } from "../keras/callbacks.js";
import { OneCycleLR } from "../optim/schedulers/one-cycle.js";

export interface DataChoice {
  fashion?: boolean;
  data?: string;
  limit?: number;
  /** Text recipes: the vocabulary a saved model was trained with (else built from the training texts). */
  vocab?: readonly string[];
}

/** Training and test arrays for a recipe, a name for the data, and (text) the vocabulary used. */
export interface Prepared {
  train: [Tensor, Tensor];
  test: [Tensor, Tensor];
  name: string;
  vocab?: readonly string[];
}

/** The image dataset a choice names (Fashion-MNIST, MNIST IDX files in a folder, or the embedded digits), and its name. */
export function imageSplit(choice: DataChoice, train: boolean, transform?: Transform): { dataset: ImageClassification; name: string } {
  const t = transform ? { transform } : {};
  if (choice.fashion) return { dataset: new FashionMNIST({ train, ...t }), name: "Fashion-MNIST" };
  if (choice.data) return { dataset: new MNIST({ root: choice.data, train, ...t }), name: `MNIST (${choice.data})` };
  return { dataset: new EmbeddedMNIST({ train, ...t }), name: "embedded MNIST" };
}

/**
 * Shuffled training batches of images drawn through `augment` ([C, H, W] in, as in
 * tg.data.transforms) every time they are seen, channels-last as the Keras recipes take them.
 */
export function augmentedImages(choice: DataChoice, augment: Transform, batchSize: number): DataLoader<[Tensor, number]> {
  const { dataset } = imageSplit(choice, true, (img) => augment(img).permute(1, 2, 0));
  const n = Math.min(choice.limit ?? dataset.length, dataset.length);
  return new DataLoader(n < dataset.length ? new Subset(dataset, Array.from({ length: n }, (_, i) => i)) : dataset, { batchSize, shuffle: true });
}

/**
 * PyTorch's OneCycleLR (its defaults: warm-up over 30% of the steps, cosine annealing, β₁ cycled)
 * on a Keras model's optimizer, stepped after every batch; fit creates the optimizer, so the
 * schedule starts at the first batch.
 */
export class OneCycle extends Callback {
  private scheduler: OneCycleLR | null = null;
  constructor(
    private readonly fitted: keras.BaseModel,
    private readonly maxLr: number,
    private readonly totalSteps: number,
  ) {
    super();
  }
  override onTrainBatchBegin(): void {
    this.scheduler ??= new OneCycleLR(this.fitted.optimizer!, this.maxLr, { totalSteps: this.totalSteps });
  }
  override onTrainBatchEnd(): void {
    this.scheduler!.step();
  }
}

/** Images [N, 28, 28, 1] (channels-last) and labels. */
function images(choice: DataChoice): Prepared {
  const arrays = (train: boolean): [Tensor, Tensor] => {
    const ds = imageSplit(choice, train).dataset;
    const n = Math.min(choice.limit ?? ds.length, ds.length);
    return [ds.images().narrow(0, 0, n).permute(0, 2, 3, 1).contiguous(), ds.targets().narrow(0, 0, n)];
  };
  return { train: arrays(true), test: arrays(false), name: imageSplit(choice, false).name };
}

const MAXLEN = 120;
const VOCAB = 10000;

/** A saved vocabulary, unknown words mapped to <unk> as when it was built. */
function restored(itos: readonly string[]): Vocab {
  const vocab = new Vocab(itos);
  if (vocab.has("<unk>")) vocab.setDefaultIndex(vocab.get("<unk>"));
  return vocab;
}

/** SpamAssassin (or IMDB with --data DIR) as padded word-index sequences and 0/1 labels. */
function texts(choice: DataChoice): Prepared {
  const load = (train: boolean) => (choice.data ? new IMDB({ root: choice.data, train }) : new SpamAssassin({ train }));
  const raw = (train: boolean) => {
    const items = [...load(train)];
    return items.slice(0, Math.min(choice.limit ?? items.length, items.length));
  };
  const train = raw(true);
  const test = raw(false);
  const tokens = (items: [string, number][]) => items.map(([t]) => basicEnglishTokenizer(t));
  const trainTokens = tokens(train);
  // A saved model's words keep the indices it learned (a rebuilt vocabulary could differ).
  const vocab = choice.vocab ? restored(choice.vocab) : Vocab.build(trainTokens, { maxSize: VOCAB });
  const encode = (ts: string[][]) => padSequences(ts.map((t) => vocab.lookupIndices(t)), { maxlen: MAXLEN });
  return {
    train: [encode(trainTokens), tensor(train.map(([, l]) => l))],
    test: [encode(tokens(test)), tensor(test.map(([, l]) => l))],
    name: choice.data ? `IMDB (${choice.data})` : "SpamAssassin",
    vocab: vocab.itos,
  };
}

const compiled = <M extends keras.BaseModel>(m: M, lr: number, loss: string): M => {
  m.compile({ optimizer: keras.optimizers.adam({ learningRate: lr }), loss, metrics: ["accuracy"] });
  return m;
};

/**
 * A small Transformer encoder classifier in Keras' functional API: token embeddings → self-attention
 * with a residual and LayerNormalization → position-wise feed-forward with a residual and
 * LayerNormalization → mean over tokens → Dense(1, sigmoid).
 */
function transformerClassifier(): keras.Model {
  const tokens = keras.Input({ shape: [MAXLEN], name: "tokens" });
  const embedded = new keras.Embedding(VOCAB, 32, { name: "embedding" }).apply(tokens);
  const attended = new keras.MultiHeadAttention(4, 8, { name: "attention" }).apply([embedded, embedded]);
  const x = new keras.LayerNormalization({ name: "norm1" }).apply(new keras.Add().apply([embedded, attended]));
  const ff = new keras.Dense(32, { name: "ff2" }).apply(new keras.Dense(64, { activation: "relu", name: "ff1" }).apply(x));
  const y = new keras.LayerNormalization({ name: "norm2" }).apply(new keras.Add().apply([x, ff]));
  const pooled = new keras.GlobalAveragePooling1D().apply(y);
  return new keras.Model({ inputs: tokens, outputs: new keras.Dense(1, { activation: "sigmoid", name: "head" }).apply(pooled), name: "transformer" });
}

/** How a recipe trains by default: epochs, (peak) learning rate, and the seed ConvNet's extras. */
export interface Training {
  epochs: number;
  lr: number;
  /** Applied to each training image ([C, H, W]) every time it is seen. */
  augment?: Transform;
  /** The learning rate follows the one-cycle policy, peaking at lr. */
  oneCycle?: boolean;
}

export interface Recipe {
  describe: string;
  data: (c: DataChoice) => Prepared;
  build: (lr: number) => keras.BaseModel;
  training: Training;
}

const PLAIN: Training = { epochs: 5, lr: 0.001 };

export const RECIPES: Record<string, Recipe> = {
  "mlp-mnist": {
    describe: "Flatten → Dense(128, relu) → Dense(64, relu) → Dense(10, softmax), Adam",
    data: images,
    build: (lr) => compiled(new keras.Sequential([new keras.Flatten({ inputShape: [28, 28, 1] }), new keras.Dense(128, { activation: "relu" }), new keras.Dense(64, { activation: "relu" }), new keras.Dense(10, { activation: "softmax" })]), lr, "sparse_categorical_crossentropy"),
    training: PLAIN,
  },
  // The Keras spelling of examples/cnn-mnist.ts's ConvNet (Keras' initialisers), with its recipe.
  "convnet-keras": {
    describe: "the seed's ConvNet in Keras layers: Conv2D(6,3) → pool → Conv2D(16,3) → pool → 120 → 84 → 10, Adam with the one-cycle policy, images randomly rotated (±10°), shifted (±10%) and scaled (0.9–1.1)",
    data: images,
    build: (lr) =>
      compiled(
        new keras.Sequential([
          new keras.Conv2D(6, 3, { activation: "relu", inputShape: [28, 28, 1] }),
          new keras.MaxPooling2D(2),
          new keras.Conv2D(16, 3, { activation: "relu" }),
          new keras.MaxPooling2D(2),
          new keras.Flatten(),
          new keras.Dense(120, { activation: "relu" }),
          new keras.Dense(84, { activation: "relu" }),
          new keras.Dense(10, { activation: "softmax" }),
        ]),
        lr,
        "sparse_categorical_crossentropy",
      ),
    // examples/cnn-mnist.ts's recipe (98% there, on the same digits).
    training: { epochs: 10, lr: 0.003, augment: randomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1] }), oneCycle: true },
  },
  "cnn-keras": {
    describe: "Conv2D(32, 3) → MaxPooling2D → Flatten → Dense(128) → Dense(10, softmax), Adam",
    data: images,
    build: (lr) => compiled(new keras.Sequential([new keras.Conv2D(32, 3, { activation: "relu", inputShape: [28, 28, 1] }), new keras.MaxPooling2D(2), new keras.Flatten(), new keras.Dense(128, { activation: "relu" }), new keras.Dense(10, { activation: "softmax" })]), lr, "sparse_categorical_crossentropy"),
    training: PLAIN,
  },
  "lstm-text": {
    describe: `Embedding(${VOCAB}, 16) → LSTM(32) → Dense(1, sigmoid) on texts padded to ${MAXLEN} tokens, Adam`,
    data: texts,
    build: (lr) => compiled(new keras.Sequential([new keras.Embedding(VOCAB, 16, { inputShape: [MAXLEN] }), new keras.LSTM(32), new keras.Dense(1, { activation: "sigmoid" })]), lr, "binary_crossentropy"),
    training: PLAIN,
  },
  transformer: {
    describe: `Embedding(${VOCAB}, 32) → MultiHeadAttention(4×8) + residual → LayerNorm → feed-forward + residual → LayerNorm → mean → Dense(1, sigmoid), Adam`,
    data: texts,
    build: (lr) => compiled(transformerClassifier(), lr, "binary_crossentropy"),
    training: PLAIN,
  },
};

/**
 * Examples that are programs rather than models to fit: `train NAME` runs them from a source
 * checkout (they check the library against formulas; there is nothing to save).
 */
export const PROGRAMS: Record<string, { describe: string; file: string }> = {
  "cnn-from-scratch": { describe: "the seed CNN's forward and backward from tensor-op formulas, checked against the layers", file: "examples/cnn-from-scratch.ts" },
};
