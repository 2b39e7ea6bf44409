/** Keras activation names → functions on tensors (softmax over the last axis). */
import { ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { elu, gelu, leakyRelu, silu, softplus } from "../ops/composite/activations.js";

export type ActivationName =
  | "linear" | "relu" | "sigmoid" | "tanh" | "softmax" | "log_softmax" | "gelu" | "elu" | "selu"
  | "softplus" | "swish" | "silu" | "leaky_relu" | "exponential";

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const TABLE: Record<ActivationName, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  relu: (x) => x.relu(),
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  softmax: (x) => x.softmax(-1),
  log_softmax: (x) => x.logSoftmax(-1),
  gelu: (x) => gelu(x),
  elu: (x) => elu(x),
  selu: (x) => elu(x, SELU_ALPHA).mul(SELU_SCALE),
  softplus: (x) => softplus(x),
  swish: (x) => silu(x),
  silu: (x) => silu(x),
  leaky_relu: (x) => leakyRelu(x, 0.2), // Keras' default negative slope
  exponential: (x) => x.exp(),
};

export type Activation = ActivationName | ((x: Tensor) => Tensor) | null | undefined;

export function activationFn(a: Activation): (x: Tensor) => Tensor {
  if (a === null || a === undefined) return TABLE.linear;
  if (typeof a === "function") return a;
  const f = TABLE[a];
  if (!f) throw new ValueError(`unknown activation '${String(a)}'; expected one of ${Object.keys(TABLE).join(", ")}`);
  return f;
}

export function activationName(a: Activation): string {
  return typeof a === "function" ? a.name || "custom" : a ?? "linear";
}
