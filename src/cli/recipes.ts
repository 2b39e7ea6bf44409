/** The models `tensorgrad train <recipe>` knows, built with tg.keras. */
import type { Tensor } from "../core/tensor.js";
import * as keras from "../keras/index.js";
import { EmbeddedMNIST } from "../data/datasets/embedded-mnist.js";
import { FashionMNIST, MNIST, type ImageClassification } from "../data/datasets/mnist.js";

export interface DataChoice {
  fashion?: boolean;
  data?: string;
  limit?: number;
}

/** Images [N, 28, 28, 1] (channels-last) and labels, from the chosen dataset. */
export function images(train: boolean, choice: DataChoice): [Tensor, Tensor, string] {
  const ds: ImageClassification = choice.fashion ? new FashionMNIST({ train }) : choice.data ? new MNIST({ root: choice.data, train }) : new EmbeddedMNIST({ train });
  const n = Math.min(choice.limit ?? ds.length, ds.length);
  const name = choice.fashion ? "Fashion-MNIST" : choice.data ? `MNIST (${choice.data})` : "embedded MNIST";
  return [ds.images().narrow(0, 0, n).permute(0, 2, 3, 1).contiguous(), ds.targets().narrow(0, 0, n), name];
}

export const RECIPES: Record<string, { describe: string; build: (lr: number) => keras.Sequential }> = {
  "mlp-mnist": {
    describe: "Flatten → Dense(128, relu) → Dense(64, relu) → Dense(10, softmax), Adam",
    build: (lr) => {
      const m = new keras.Sequential([new keras.Flatten({ inputShape: [28, 28, 1] }), new keras.Dense(128, { activation: "relu" }), new keras.Dense(64, { activation: "relu" }), new keras.Dense(10, { activation: "softmax" })]);
      m.compile({ optimizer: keras.optimizers.adam({ learningRate: lr }), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
      return m;
    },
  },
  "cnn-keras": {
    describe: "Conv2D(32, 3) → MaxPooling2D → Flatten → Dense(128) → Dense(10, softmax), Adam",
    build: (lr) => {
      const m = new keras.Sequential([new keras.Conv2D(32, 3, { activation: "relu", inputShape: [28, 28, 1] }), new keras.MaxPooling2D(2), new keras.Flatten(), new keras.Dense(128, { activation: "relu" }), new keras.Dense(10, { activation: "softmax" })]);
      m.compile({ optimizer: keras.optimizers.adam({ learningRate: lr }), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
      return m;
    },
  },
};
