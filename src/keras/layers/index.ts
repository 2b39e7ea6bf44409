/**
 * Keras layers over tg.nn, one file per family as Keras groups them, with Keras' names, defaults and
 * initialisers (glorot-uniform kernels, zero biases, orthogonal recurrent kernels, a forget-gate
 * bias of 1). Images are channels-last ([N, H, W, C]) unless `dataFormat: "channelsFirst"`.
 */
export * from "./core.js";
export * from "./convolutional.js";
export * from "./normalization.js";
export * from "./recurrent.js";
export * from "./merging.js";
export * from "./attention.js";
