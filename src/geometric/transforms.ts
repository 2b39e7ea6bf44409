/**
 * Data transforms (PyG's torch_geometric.transforms), named as PyG names its classes: each call
 * makes a transform, a function from a Data to a new Data (`transform: NormalizeFeatures()`).
 */
import { ValueError } from "../base/errors.js";
import { checkOptions } from "../base/options.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import { Tensor } from "../ops/tensor.js";
import { cat } from "../ops/movement.js";
import { ones, zeros } from "../ops/creation.js";
import { Data } from "./data.js";
import { edgeArrays, edgeTensor, positions } from "./utils/edges.js";
import { addSelfLoops } from "./utils/loops.js";
import { negativeSampling } from "./utils/sampling.js";
import { toUndirected } from "./utils/structure.js";
import type { GraphTransform } from "./datasets/graph-dataset.js";

/** Applies transforms in order. */
export function Compose(transforms: readonly GraphTransform[]): GraphTransform {
  return (data) => transforms.reduce((d, t) => t(d), data);
}

/** Row-normalises x so each node's features sum to 1 (rows of zeros stay zero). */
export function NormalizeFeatures(): GraphTransform {
  return (data) => {
    if (!(data.x instanceof Tensor)) return data;
    const x = data.x.sub(data.x.amin());
    const out = data.apply((t) => t);
    out.x = x.div(x.sum(-1, true).clamp(1));
    return out;
  };
}

/** Adds the reverse of every edge (edge attributes duplicated, duplicates merged). */
export function ToUndirected(): GraphTransform {
  return (data) => {
    if (!(data.edgeIndex instanceof Tensor)) return data;
    const out = data.apply((t) => t);
    const attr = data.edgeAttr instanceof Tensor ? data.edgeAttr : null;
    const [ei, ea] = toUndirected(data.edgeIndex, attr, { numNodes: data.numNodes });
    out.edgeIndex = ei;
    if (attr) out.edgeAttr = ea;
    return out;
  };
}

/** Adds a self loop at every node (edge attributes filled with fillValue). */
export function AddSelfLoops(fillValue = 1): GraphTransform {
  return (data) => {
    if (!(data.edgeIndex instanceof Tensor)) return data;
    const out = data.apply((t) => t);
    const attr = data.edgeAttr instanceof Tensor ? data.edgeAttr : null;
    const [ei, ea] = addSelfLoops(data.edgeIndex, attr, { fillValue, numNodes: data.numNodes });
    out.edgeIndex = ei;
    if (attr) out.edgeAttr = ea;
    return out;
  };
}

export interface RandomLinkSplitOptions {
  /** Fraction (< 1) or count of edges for validation (default 0.1). */
  numVal?: number;
  /** Fraction (< 1) or count of edges for testing (default 0.2). */
  numTest?: number;
  /** Treat i → j and j → i as one link (split together; message edges kept both ways). */
  isUndirected?: boolean;
  /** Negative links per positive in each split (default 1). */
  negSamplingRatio?: number;
  addNegativeTrainSamples?: boolean;
  generator?: Generator;
}

/**
 * Splits the links into train / validation / test (PyG's RandomLinkSplit): each split's Data keeps
 * the message-passing edges it may see in `edgeIndex` (train: train links; val: train links; test:
 * train + val links) and the links to score in `edgeLabelIndex` with 1/0 `edgeLabel`s.
 */
export function RandomLinkSplit(opts: RandomLinkSplitOptions = {}): (data: Data) => [train: Data, val: Data, test: Data] {
  checkOptions("RandomLinkSplit", opts, { numVal: "number", numTest: "number", isUndirected: "boolean", negSamplingRatio: "number", addNegativeTrainSamples: "boolean", generator: "object" });
  const { numVal = 0.1, numTest = 0.2, isUndirected = false, negSamplingRatio = 1, addNegativeTrainSamples = true, generator = defaultGenerator } = opts;
  return (data) => linkSplit(data, numVal, numTest, isUndirected, negSamplingRatio, addNegativeTrainSamples, generator);
}

function linkSplit(
  data: Data, numVal: number, numTest: number, isUndirected: boolean, negSamplingRatio: number, addNegativeTrainSamples: boolean, generator: Generator,
): [train: Data, val: Data, test: Data] {
  if (!(data.edgeIndex instanceof Tensor)) throw new ValueError("RandomLinkSplit: the data has no edgeIndex");
  const n = data.numNodes;
  const { row, col } = edgeArrays(data.edgeIndex, "RandomLinkSplit", n);
  const links = [...row.keys()].filter((e) => !isUndirected || row[e]! <= col[e]!);
  for (let i = links.length - 1; i > 0; i--) {
    const j = generator.randomInt(i + 1);
    [links[i], links[j]] = [links[j]!, links[i]!];
  }
  const count = (v: number) => (v < 1 ? Math.floor(v * links.length) : v);
  const [nVal, nTest] = [count(numVal), count(numTest)];
  if (nVal + nTest >= links.length) throw new ValueError(`RandomLinkSplit: ${nVal} validation and ${nTest} test links leave none of the ${links.length} for training`);
  const test = links.slice(0, nTest);
  const val = links.slice(nTest, nTest + nVal);
  const train = links.slice(nTest + nVal);
  const edges = (ids: number[], both: boolean) => {
    const r = ids.map((e) => row[e]!);
    const c = ids.map((e) => col[e]!);
    return both ? edgeTensor([...r, ...c], [...c, ...r]) : edgeTensor(r, c);
  };
  const split = (message: number[], label: number[], negatives: boolean) => {
    const out = data.apply((t) => t);
    out.edgeIndex = edges(message, isUndirected);
    if (data.edgeAttr instanceof Tensor) {
      const at = positions(isUndirected ? [...message, ...message] : message);
      out.edgeAttr = data.edgeAttr.indexSelect(0, at);
    }
    const pos = edges(label, false);
    const negCount = negatives ? Math.round(label.length * negSamplingRatio) : 0;
    const neg = negCount > 0 ? negativeSampling(data.edgeIndex as Tensor, { numNodes: n, numNegSamples: negCount, generator }) : edgeTensor([], []);
    out.edgeLabelIndex = cat([pos, neg], 1);
    out.edgeLabel = cat([ones([label.length]), zeros([neg.shape[1]!])], 0);
    return out;
  };
  return [split(train, train, addNegativeTrainSamples), split(train, val, true), split([...train, ...val], test, true)];
}
