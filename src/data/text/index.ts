/** tg.data.text — tokenizer, vocabulary, sequence padding. */
export { basicEnglishTokenizer } from "./tokenizer.js";
export { Vocab, type VocabOptions } from "./vocab.js";
export { padSequences, toCategorical, type PadOptions } from "./sequences.js";
