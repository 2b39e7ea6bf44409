/** tg.distributions — torch.distributions' everyday distributions in camelCase. */
export { Categorical, type CategoricalParams } from "./categorical.js";
export { Normal } from "./normal.js";
export { Bernoulli, type BernoulliParams } from "./bernoulli.js";
