/** `keras.layers`: every Keras layer under the namespace Keras users reach for (keras.layers.Dense). */
export {
  Input, InputLayer, Dense, Flatten, Reshape, Activation, Dropout, Conv1D, Conv2D, MaxPooling2D, AveragePooling2D,
  GlobalAveragePooling1D, GlobalAveragePooling2D, BatchNormalization, LayerNormalization, Embedding, SimpleRNN, LSTM, GRU, Bidirectional,
} from "./layers/index.js";
export { Add, Multiply, Concatenate, MultiHeadAttention } from "./layers/index.js";
export { Layer } from "./layer.js";
export { TorchModuleWrapper } from "./torch-module-wrapper.js";
