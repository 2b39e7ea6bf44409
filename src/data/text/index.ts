/** tg.data.text — tokenizers (character, word, GPT-2's byte-level BPE), vocabulary, sequence padding. */
export { basicEnglishTokenizer } from "./tokenizer.js";
export { Vocab, type VocabOptions } from "./vocab.js";
export { padSequences, toCategorical, type PadOptions } from "./sequences.js";
export type { Tokenizer } from "./tokenizer-types.js";
export { CharTokenizer, WordTokenizer, type WordTokenizerOptions } from "./char-tokenizer.js";
export { BPETokenizer, type BPEOptions, type AddedToken, type DecodeOptions } from "./bpe.js";
export { trainBPE, type BPETrainOptions, type BPEModel } from "./bpe-trainer.js";
export { GPT2_SPLIT_PATTERN } from "./byte-level.js";
