/** tg.text — language models: nanoGPT's GPT with a KV cache, sampling, GPT-2 checkpoints, and training helpers. */
export { GPT, Block, CausalSelfAttention, MLP, resolveConfig, type GPTConfig, type ResolvedGPTConfig, type GPTForwardOptions, type GPTOutput } from "./gpt.js";
export { KVCache } from "./kv-cache.js";
export { generate, streamTokens, sampleToken, type GenerateOptions, type SampleOptions } from "./generate.js";
export { loadGPT2, saveGPT2, gpt2Config, fromGPT2StateDict, toGPT2StateDict } from "./gpt2-weights.js";
export { lmBatch, learningRateAt, configureOptimizer, estimateLoss, trainLanguageModel, type LRSchedule, type TrainLMOptions, type TrainLMResult } from "./train.js";
export { saveLanguageModel, loadLanguageModel } from "./checkpoint.js";
export { additionProblems, dateProblems, type Seq2SeqPairs, type AdditionOptions, type DateOptions } from "./seq2seq-data.js";
export { Seq2SeqRNN, BahdanauAttention, LuongAttention, type Seq2SeqConfig, type AttentionKind, type DecoderState, type Encoded, type StepResult } from "./seq2seq.js";
export { greedyDecode, beamSearch, type DecodeOptions, type BeamOptions, type GreedyResult, type StepDecoder } from "./beam-search.js";
export { Seq2SeqTransformer, type Seq2SeqTransformerConfig, type TransformerEncoded } from "./seq2seq-transformer.js";
