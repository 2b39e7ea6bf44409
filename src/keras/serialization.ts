/** tg.keras.loadModel: rebuilds a saved Sequential from model.json and loads model.safetensors. */
import { requireNode } from "../base/node.js";
import { DataError, FormatError, TensorgradError } from "../base/errors.js";
import { loadSafetensors, parseSafetensors, type StateDict } from "../io/safetensors.js";
import { unzipChecked } from "../data/datasets/npy.js";
import { readableFolder } from "../io/atomic.js";
import { decodeUtf8 } from "../base/utf8.js";
import type { Layer, Shape } from "./layer.js";
import * as L from "./layers/index.js";
import { BaseModel, Sequential } from "./model.js";
import { Model } from "./functional.js";
import { KerasTensor, LAYER_OPTIONS } from "./layer.js";
import type { OptionSpec } from "../base/options.js";
import { Add, Concatenate, MultiHeadAttention, Multiply } from "./layers/index.js";

type Config = Record<string, unknown> & { name?: string; inputShape?: Shape | null };
/** The options of a saved config that the layer class takes (its positional arguments are read by name). */
const opts = (cls: { options: OptionSpec }, c: Config) =>
  Object.fromEntries(Object.entries({ ...c, inputShape: c.inputShape ?? undefined }).filter(([k]) => Object.hasOwn(LAYER_OPTIONS, k) || Object.hasOwn(cls.options, k)));

/** Layer class name → how to construct it from its getConfig(). */
const REGISTRY: Record<string, (c: Config) => Layer> = {
  InputLayer: (c) => new L.InputLayer({ shape: c.shape as Shape, ...(c.name ? { name: c.name } : {}) }),
  Dense: (c) => new L.Dense(c.units as number, opts(L.Dense, c) as L.DenseOptions),
  Flatten: (c) => new L.Flatten(opts(L.Flatten, c)),
  Reshape: (c) => new L.Reshape(c.targetShape as number[], opts(L.Reshape, c)),
  Activation: (c) => new L.Activation(c.activation as never, opts(L.Activation, c)),
  Dropout: (c) => new L.Dropout(c.rate as number, opts(L.Dropout, c)),
  Conv2D: (c) => new L.Conv2D(c.filters as number, c.kernelSize as number, opts(L.Conv2D, c) as L.Conv2DOptions),
  Conv1D: (c) => new L.Conv1D(c.filters as number, c.kernelSize as number, opts(L.Conv1D, c) as never),
  MaxPooling2D: (c) => new L.MaxPooling2D(c.poolSize as number, opts(L.MaxPooling2D, c) as L.PoolOptions),
  AveragePooling2D: (c) => new L.AveragePooling2D(c.poolSize as number, opts(L.AveragePooling2D, c) as L.PoolOptions),
  GlobalAveragePooling1D: (c) => new L.GlobalAveragePooling1D(opts(L.GlobalAveragePooling1D, c)),
  GlobalAveragePooling2D: (c) => new L.GlobalAveragePooling2D(opts(L.GlobalAveragePooling2D, c) as never),
  BatchNormalization: (c) => new L.BatchNormalization(opts(L.BatchNormalization, c)),
  LayerNormalization: (c) => new L.LayerNormalization(opts(L.LayerNormalization, c)),
  Embedding: (c) => new L.Embedding(c.inputDim as number, c.outputDim as number, opts(L.Embedding, c)),
  SimpleRNN: (c) => new L.SimpleRNN(c.units as number, opts(L.SimpleRNN, c) as L.RecurrentOptions),
  LSTM: (c) => new L.LSTM(c.units as number, opts(L.LSTM, c) as L.RecurrentOptions),
  GRU: (c) => new L.GRU(c.units as number, opts(L.GRU, c) as L.RecurrentOptions),
  Add: (c) => new Add(opts(Add, c)),
  Multiply: (c) => new Multiply(opts(Multiply, c)),
  Concatenate: (c) => new Concatenate(c.axis as number, opts(Concatenate, c)),
  MultiHeadAttention: (c) => new MultiHeadAttention(c.numHeads as number, c.keyDim as number, opts(MultiHeadAttention, c)),
  Bidirectional: (c) => {
    const inner = c.layer as { className: string; config: Config };
    return new L.Bidirectional(fromConfig(inner.className, inner.config) as L.LSTM, opts(L.Bidirectional, c));
  },
};

function fromConfig(className: string, config: Config): Layer {
  // Own keys only: 'constructor' or '__proto__' is an unknown class, not Object.prototype's.
  const make = typeof className === "string" && Object.hasOwn(REGISTRY, className) ? REGISTRY[className] : undefined;
  if (!make) throw new FormatError(`loadModel: unknown layer class ${JSON.stringify(className)} (known: ${Object.keys(REGISTRY).join(", ")})`);
  return make(config);
}

interface Spec {
  className: string;
  config: {
    name: string;
    layers: { className: string; config: Config; inbound?: string[] }[];
    inputs?: { name: string; shape: Shape }[];
    outputs?: string[];
  };
  compile?: { optimizer?: string; loss?: string; metrics?: string[] };
}

function fail(message: string): never {
  throw new FormatError(message);
}

/** Rebuilds a functional graph: inputs by name, then each layer applied to its inbound tensors. */
function functionalFromSpec(spec: Spec, file: string): Model {
  const tensors = new Map<string, KerasTensor>();
  const inputs = (spec.config.inputs ?? []).map((i) => {
    const t = new KerasTensor(i.shape, null, [], i.name);
    tensors.set(i.name, t);
    return t;
  });
  for (const l of spec.config.layers) {
    const layer = fromConfig(l.className, l.config);
    const inbound = (l.inbound ?? []).map((n) => {
      const t = tensors.get(n);
      if (!t) throw new FormatError(`${file}: layer '${layer.name}' reads '${n}', which is defined nowhere before it`);
      return t;
    });
    tensors.set(layer.name, layer.apply(inbound.length === 1 ? inbound[0]! : inbound));
  }
  const outputs = (spec.config.outputs ?? []).map((n) => tensors.get(n) ?? fail(`${file}: output '${n}' is not a layer of the model`));
  return new Model({ inputs, outputs, name: spec.config.name });
}

/** The files of a `.keras` archive (one zip: config, metadata, weights), written by save("m.keras"). */
export const KERAS_FILE = { config: "config.json", metadata: "metadata.json", weights: "model.safetensors" } as const;

/** A saved model already in memory: the files of a saved folder by name (model.json and model.safetensors; others are ignored). */
export type SavedFiles = Readonly<Record<string, Uint8Array>>;

/**
 * Loads a model saved by `model.save(path)`: a folder (model.json + model.safetensors) or one
 * `.keras` file (a zip of config.json, metadata.json and model.safetensors), given by its path
 * (Node) or by its bytes — a `.keras` archive's, or the folder's files by name (browsers: files a
 * user picked or dropped).
 */
export function loadModel(saved: string | Uint8Array | SavedFiles): BaseModel {
  if (saved instanceof Uint8Array) return fromArchive(saved, "the .keras archive");
  if (typeof saved !== "string") {
    const file = (name: string) => (Object.hasOwn(saved, name) ? saved[name]! : fail(`loadModel: the saved files have no ${name} (a folder written by save holds model.json and model.safetensors)`));
    return modelFrom(file("model.json"), "model.json", () => parseSafetensors(file("model.safetensors"), "model.safetensors").tensors);
  }
  const fs = requireNode("node:fs", "loadModel");
  const path = requireNode("node:path", "loadModel");
  const read = (file: string): Uint8Array => {
    try {
      return fs.readFileSync(file);
    } catch (e) {
      throw new DataError(`loadModel: cannot read ${file}: ${(e as Error).message}`);
    }
  };
  if (saved.endsWith(".keras")) return fromArchive(read(saved), saved);
  const dir = readableFolder(saved); // a save killed mid-swap left the complete old model aside
  const file = path.join(dir, "model.json");
  return modelFrom(read(file), file, () => loadSafetensors(path.join(dir, "model.safetensors")));
}

/** A model from a `.keras` archive's bytes (named `name` in errors). */
function fromArchive(bytes: Uint8Array, name: string): BaseModel {
  const files = unzipChecked(bytes, name);
  const part = (file: string) => files[file] ?? fail(`${name}: the archive has no ${file}`);
  return modelFrom(part(KERAS_FILE.config), `${name}:${KERAS_FILE.config}`, () => parseSafetensors(part(KERAS_FILE.weights), `${name}:${KERAS_FILE.weights}`).tensors);
}

/** A model from its config's bytes (named `file` in errors) and its weights. */
function modelFrom(bytes: Uint8Array, file: string, weights: () => StateDict): BaseModel {
  let spec: unknown;
  const text = decodeUtf8(bytes, file);
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  checkSpec(spec, file);
  try {
    let model: BaseModel;
    if (spec.className === "Model") model = functionalFromSpec(spec, file);
    else if (spec.className === "Sequential") model = new Sequential(spec.config.layers.map((l) => fromConfig(l.className, l.config)), { name: spec.config.name });
    else throw new FormatError(`${file}: cannot load a '${spec.className}' model`);
    if (!model.built) throw new FormatError(`${file}: the first layer has no inputShape, so the weights cannot be placed`);
    model.setWeights(weights());
    if (spec.compile?.loss) model.compile({ loss: spec.compile.loss, ...(spec.compile.optimizer ? { optimizer: spec.compile.optimizer } : {}), metrics: spec.compile.metrics ?? [] });
    return model;
  } catch (e) {
    // A config a layer cannot be built from (a damaged or hand-edited file) is the file's fault.
    if (e instanceof TensorgradError) throw e;
    throw new FormatError(`${file}: a layer config cannot be built (${(e as Error).message})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The shape model.json must have before anything is built from it. */
function checkSpec(spec: unknown, file: string): asserts spec is Spec {
  const bad = (what: string) => new FormatError(`${file}: ${what} (not a model.json written by save)`);
  if (!isObject(spec) || typeof spec.className !== "string" || !isObject(spec.config)) throw bad("expected {className, config}");
  const { layers, inputs, outputs, name } = spec.config;
  if (typeof name !== "string") throw bad("config.name must be a string");
  if (!Array.isArray(layers) || !layers.every((l) => isObject(l) && typeof l.className === "string" && isObject(l.config))) {
    throw bad("config.layers must be a list of {className, config}");
  }
  if (layers.some((l) => l.inbound !== undefined && !(Array.isArray(l.inbound) && l.inbound.every((n: unknown) => typeof n === "string")))) throw bad("a layer's inbound must be a list of names");
  if (inputs !== undefined && !(Array.isArray(inputs) && inputs.every((i) => isObject(i) && typeof i.name === "string" && Array.isArray(i.shape)))) throw bad("config.inputs must be a list of {name, shape}");
  if (outputs !== undefined && !(Array.isArray(outputs) && outputs.every((o) => typeof o === "string"))) throw bad("config.outputs must be a list of names");
  if (spec.compile !== undefined && !isObject(spec.compile)) throw bad("compile must be an object");
}
