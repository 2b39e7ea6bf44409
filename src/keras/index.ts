/** tg.keras — Keras' API over tensorgrad's modules (`import { keras } from "tensorgrad"`). */
export { BaseModel, Sequential, type CompileOptions, type EvaluateOptions, type FitOptions } from "./model.js";
export type { Distribution, DistributionSampler } from "./distribution.js";
export { Model } from "./functional.js";
export { Add, Multiply, Concatenate, MultiHeadAttention, type MultiHeadAttentionOptions } from "./layers/index.js";
export { loadModel, type SavedFiles } from "./serialization.js";
export { Layer, MergeLayer, KerasTensor, type LayerOptions, type Shape } from "./layer.js";
export { TorchModuleWrapper, type TorchModuleWrapperOptions } from "./torch-module-wrapper.js";
export {
  Input, InputLayer, Dense, Flatten, Reshape, Activation, Dropout, Conv1D, Conv2D, MaxPooling2D, AveragePooling2D,
  GlobalAveragePooling1D, GlobalAveragePooling2D, BatchNormalization, LayerNormalization, Embedding, SimpleRNN, LSTM, GRU, Bidirectional,
} from "./layers/index.js";
export {
  Callback, LambdaCallback, History, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, LearningRateScheduler, CSVLogger,
  TerminateOnNaN, type Logs,
} from "./callbacks.js";
export * as losses from "./losses.js";
export * as metrics from "./metrics.js";
export * as optimizers from "./optimizers.js";
export * as layers from "./layers-namespace.js";
export * as datasets from "./datasets.js";
export * as utils from "./utils.js";
export { type EmbeddingOptions } from "./layers/index.js";
import { sequence } from "./utils.js";
/** keras.preprocessing.sequence.padSequences. */
export const preprocessing = { sequence };
