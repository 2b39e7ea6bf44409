/** tg.data — datasets, loaders, text utilities (`import { data } from "tensorgrad"`). */
export { Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, ChainDataset, StackDataset, randomSplit, randomPermutation } from "./dataset.js";
export {
  Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, DistributedSampler, type DistributedSamplerOptions,
} from "./samplers.js";
export { DataLoader, type DataLoaderOptions } from "./dataloader.js";
export { defaultCollate, defaultConvert, getWorkerInfo } from "./collate.js";
export { parseIdx, readIdx, encodeIdx, type IdxArray } from "./datasets/idx.js";
export { MNIST, FashionMNIST, ImageClassification, DEBIAN_FASHION_MNIST, type MnistOptions } from "./datasets/mnist.js";
export { EmbeddedMNIST } from "./datasets/embedded-mnist.js";
export { SpamAssassin, MobyDick, type SpamAssassinOptions } from "./datasets/text-corpora.js";
export { parseCSV, loadCSV, Table, type CsvOptions, type ColumnType } from "./datasets/csv.js";
export { loadGlove, type GloveResult } from "./datasets/glove.js";
export { IMDB, loadImdbNpz, type ImdbNpzOptions, type ImdbArrays } from "./datasets/imdb.js";
export { parseNpy, parseNpz, readNpz, unpickle, pickledArray, type NpyArray, type Reduced } from "./datasets/npy.js";
export * as text from "./text/index.js";
export * as transforms from "./transforms/index.js";
export * as preprocessing from "./preprocessing/index.js";
