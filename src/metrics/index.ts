/** tg.metrics — evaluation metrics that belong to no single domain: BLEU (sacreBLEU's). */
export { bleuScore, sentenceBleu, tokenize13a, type BleuOptions, type BleuScore, type SmoothMethod } from "./bleu.js";
