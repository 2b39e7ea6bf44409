/**
 * The in-place activations of torch.nn.functional (relu_, elu_, …): the out-of-place result
 * copied into the input, which, as tensorgrad's other in-place ops, must be outside a recorded
 * graph (under tg.noGrad, or on tensors that need no gradient).
 */
import type { Tensor } from "../../ops/tensor.js";
import { celu, elu, hardtanh, leakyRelu, rrelu, selu, threshold } from "../../ops/composite/activations.js";

export const relu_ = (x: Tensor): Tensor => x.copy_(x.relu());
export const elu_ = (x: Tensor, alpha = 1): Tensor => x.copy_(elu(x, alpha));
export const celu_ = (x: Tensor, alpha = 1): Tensor => x.copy_(celu(x, alpha));
export const selu_ = (x: Tensor): Tensor => x.copy_(selu(x));
export const leakyRelu_ = (x: Tensor, negativeSlope = 0.01): Tensor => x.copy_(leakyRelu(x, negativeSlope));
export const hardtanh_ = (x: Tensor, minVal = -1, maxVal = 1): Tensor => x.copy_(hardtanh(x, minVal, maxVal));
export const threshold_ = (x: Tensor, threshold_: number, value: number): Tensor => x.copy_(threshold(x, threshold_, value));
export const rrelu_ = (x: Tensor, lower = 1 / 8, upper = 1 / 3, training = false): Tensor => x.copy_(rrelu(x, lower, upper, training));
