/** tg.autograd — torch.autograd's public surface: grad, backward, gradcheck and the functional API. */
export { grad, backward, type BackwardOptions } from "./backward.js";
export { gradcheck } from "./gradcheck.js";
export * as functional from "./functional.js";
