/**
 * Hugging Face GPT-2 checkpoints (a folder with config.json and model.safetensors, or a sharded
 * model.safetensors.index.json) into a GPT, as nanoGPT's from_pretrained: the same names with or
 * without the `transformer.` prefix, the causal-mask buffers dropped, and the Conv1D weights
 * ([in, out]) transposed into Linear's [out, in]. Saving writes the same layout back.
 */
import { DataError, FormatError } from "../base/errors.js";
import { requireNode } from "../base/node.js";
import type { Tensor } from "../ops/tensor.js";
import { readableFolder, writeFolderAtomic } from "../io/atomic.js";
import { encodeSafetensors, readSafetensors } from "../io/safetensors.js";
import { GPT, type GPTConfig } from "./gpt.js";

/** The weights Hugging Face stores as Conv1D, [in, out]. */
const CONV1D = /\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/;
const GELU: Record<string, "none" | "tanh"> = { gelu_new: "tanh", gelu_pytorch_tanh: "tanh", gelu: "none" };

type Json = Record<string, unknown>;

function readJson(file: string): Json {
  const fs = requireNode("node:fs", "GPT checkpoints");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new FormatError(`${file}: expected a JSON object`);
  return value as Json;
}

/** GPT-2's config.json → a GPTConfig (biases on, GPT-2's GELU). */
export function gpt2Config(json: Json, file = "config.json"): GPTConfig {
  const int = (key: string) => {
    const v = json[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new FormatError(`${file}: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  if (json.model_type !== undefined && json.model_type !== "gpt2") throw new FormatError(`${file}: model_type is ${JSON.stringify(json.model_type)}; only gpt2 checkpoints are read`);
  const activation = (json.activation_function ?? "gelu_new") as string;
  const geluApproximate = GELU[activation];
  if (!geluApproximate) throw new FormatError(`${file}: activation_function ${JSON.stringify(activation)} is not supported (${Object.keys(GELU).join(", ")} are)`);
  for (const key of ["scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn", "add_cross_attention"]) {
    if (json[key] === true) throw new FormatError(`${file}: ${key} is not supported`);
  }
  if (json.tie_word_embeddings === false) throw new FormatError(`${file}: tie_word_embeddings is false; this GPT always ties lm_head to wte`);
  const nEmbd = int("n_embd");
  if (json.n_inner != null && json.n_inner !== 4 * nEmbd) throw new FormatError(`${file}: n_inner ${JSON.stringify(json.n_inner)} is not 4·n_embd`);
  const eps = json.layer_norm_epsilon ?? 1e-5;
  if (typeof eps !== "number" || !(eps > 0)) throw new FormatError(`${file}: layer_norm_epsilon must be a positive number`);
  return { vocabSize: int("vocab_size"), blockSize: int("n_positions"), nLayer: int("n_layer"), nHead: int("n_head"), nEmbd, bias: true, geluApproximate, layerNormEps: eps, dropout: 0 };
}

/** A Hugging Face GPT-2 state dict → this GPT's names and layouts (Linear weights, lm_head tied). */
export function fromGPT2StateDict(hf: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(hf)) {
    if (key === "lm_head.weight") continue; // tied to wte
    const name = key.startsWith("transformer.") ? key : `transformer.${key}`;
    if (/\.attn\.(bias|masked_bias)$/.test(name) && t.ndim !== 1) continue; // the causal-mask buffers of older checkpoints
    out[name] = CONV1D.test(name) ? t.t().contiguous() : t;
  }
  const wte = out["transformer.wte.weight"];
  if (wte) out["lm_head.weight"] = wte;
  return out;
}

/** This GPT's state dict → Hugging Face's GPT2LMHeadModel layout. */
export function toGPT2StateDict(state: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(state)) {
    if (name === "lm_head.weight") continue;
    out[name] = CONV1D.test(name) ? t.t().contiguous() : t;
  }
  return out;
}

function checkpointTensors(dir: string): Record<string, Tensor> {
  const fs = requireNode("node:fs", "GPT checkpoints");
  const path = requireNode("node:path", "GPT checkpoints");
  const single = path.join(dir, "model.safetensors");
  if (fs.existsSync(single)) return readSafetensors(single).tensors;
  const indexFile = path.join(dir, "model.safetensors.index.json");
  if (!fs.existsSync(indexFile)) throw new DataError(`${dir}: no model.safetensors or model.safetensors.index.json (convert PyTorch .bin checkpoints to safetensors first)`);
  const map = readJson(indexFile).weight_map;
  if (typeof map !== "object" || map === null) throw new FormatError(`${indexFile}: no "weight_map"`);
  const tensors: Record<string, Tensor> = {};
  for (const shard of new Set(Object.values(map as Record<string, unknown>))) {
    if (typeof shard !== "string" || shard.includes("/") || shard.includes("\\")) throw new FormatError(`${indexFile}: shard ${JSON.stringify(shard)} must be a file name in the same folder`);
    Object.assign(tensors, readSafetensors(path.join(dir, shard)).tensors);
  }
  return tensors;
}

/**
 * Refuses a config that disagrees with the weights beside it, before a model is built: a damaged
 * config could otherwise ask for a model of any size. The embeddings fix vocabSize, blockSize and
 * nEmbd, the block indices nLayer — so what is built is bounded by the file read.
 */
export function checkConfigAgainstWeights(config: GPTConfig, state: Record<string, Tensor>, file: string): void {
  const dims = (name: string) => state[name]?.shape.join("×") ?? "missing";
  const want: [string, string][] = [
    ["transformer.wte.weight", `${config.vocabSize}×${config.nEmbd}`],
    ["transformer.wpe.weight", `${config.blockSize}×${config.nEmbd}`],
  ];
  for (const [name, shape] of want) {
    if (dims(name) !== shape) throw new FormatError(`${file}: the config asks for ${name} of ${shape}, the weights hold ${dims(name)}`);
  }
  const layers = new Set(Object.keys(state).map((k) => /^transformer\.h\.(\d+)\./.exec(k)?.[1]).filter((i) => i !== undefined));
  if (layers.size !== config.nLayer || ![...layers].every((i) => Number(i) < config.nLayer)) {
    throw new FormatError(`${file}: the config asks for ${config.nLayer} blocks, the weights hold ${layers.size} (transformer.h.*)`);
  }
}

/** Loads a Hugging Face GPT-2 folder (config.json + safetensors) as a GPT in eval mode, float32. */
export function loadGPT2(dir: string): GPT {
  const folder = readableFolder(dir);
  const path = requireNode("node:path", "loadGPT2");
  const configFile = path.join(folder, "config.json");
  const config = gpt2Config(readJson(configFile), configFile);
  const state = fromGPT2StateDict(checkpointTensors(folder));
  checkConfigAgainstWeights(config, state, configFile);
  const model = new GPT(config);
  for (const [k, t] of Object.entries(state)) if (t.dtype !== "float32") state[k] = t.float();
  model.loadStateDict(state);
  model.eval();
  return model;
}

/** Writes a GPT as a Hugging Face GPT-2 folder (config.json + model.safetensors), replaced whole. */
export function saveGPT2(model: GPT, dir: string): void {
  const c = model.config;
  const config = {
    architectures: ["GPT2LMHeadModel"], model_type: "gpt2", vocab_size: c.vocabSize, n_positions: c.blockSize, n_layer: c.nLayer, n_head: c.nHead, n_embd: c.nEmbd,
    n_inner: null, activation_function: c.geluApproximate === "tanh" ? "gelu_new" : "gelu", layer_norm_epsilon: c.layerNormEps,
    resid_pdrop: c.dropout, embd_pdrop: c.dropout, attn_pdrop: c.dropout, tie_word_embeddings: true,
  };
  if (!c.bias) throw new DataError("saveGPT2: GPT-2 checkpoints have biases; this model was built with bias: false (save its stateDict with io.saveSafetensors instead)");
  const names = new Set(["config.json", "model.safetensors"]);
  writeFolderAtomic(dir, { "config.json": [new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`)], "model.safetensors": encodeSafetensors(toGPT2StateDict(model.stateDict()), { format: "pt" }) }, (present) => present.every((n) => names.has(n)));
}
