/**
 * The Planetoid citation graphs (Cora, CiteSeer, PubMed) from the raw `ind.<name>.*` files PyG reads
 * in `<root>/<Name>/raw/`: Python pickles of SciPy CSR feature matrices, NumPy one-hot labels and an
 * adjacency dict, plus the test index list. Public split: 20 labelled nodes per class for training,
 * the next 500 for validation, the listed 1000 for testing. Nothing is downloaded.
 */
import { DataError, FormatError, ValueError } from "../../base/errors.js";
import { requireNode } from "../../base/node.js";
import { checkChoice, checkOptions } from "../../base/options.js";
import { tensor } from "../../ops/creation.js";
import { pickledArray, unpickle, type NpyArray, type Reduced } from "../../data/datasets/npy.js";
import { Data } from "../data.js";
import { edgeTensor } from "../utils/edges.js";
import { coalesce } from "../utils/structure.js";
import { removeSelfLoops } from "../utils/loops.js";
import { GraphDataset, type GraphTransform } from "./graph-dataset.js";

export type PlanetoidName = "Cora" | "CiteSeer" | "PubMed";

export interface PlanetoidOptions {
  root: string;
  name: PlanetoidName;
  transform?: GraphTransform | null;
}

/** A dense row-major float matrix. */
interface Dense {
  rows: number;
  cols: number;
  data: Float32Array;
}

const isRecord = (v: unknown): v is Reduced => typeof v === "object" && v !== null && "call" in v;

/** A pickled SciPy CSR matrix or NumPy 2-D array, as a dense matrix. */
function denseMatrix(obj: unknown, file: string): Dense {
  if (isRecord(obj) && /^scipy\.sparse\.(_csr|csr) csr_matrix$/.test(obj.call)) {
    const state = obj.state;
    if (!(state instanceof Map)) throw new FormatError(`${file}: a pickled CSR matrix has no attribute dict`);
    const shape = state.get("_shape") ?? state.get("shape");
    if (!Array.isArray(shape) || shape.length !== 2) throw new FormatError(`${file}: a pickled CSR matrix has no 2-D _shape`);
    const [rows, cols] = shape as [number, number];
    const indptr = pickledArray(state.get("indptr"), `${file} (indptr)`).data as ArrayLike<number>;
    const indices = pickledArray(state.get("indices"), `${file} (indices)`).data as ArrayLike<number>;
    const values = pickledArray(state.get("data"), `${file} (data)`).data as ArrayLike<number>;
    if (indptr.length !== rows + 1 || indices.length !== values.length || indptr[rows] !== values.length) {
      throw new FormatError(`${file}: CSR arrays disagree (indptr ${indptr.length} for ${rows} rows, ${indices.length} indices, ${values.length} values)`);
    }
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      if (!(indptr[r]! <= indptr[r + 1]!)) throw new FormatError(`${file}: CSR indptr decreases at row ${r}`);
      for (let k = indptr[r]!; k < indptr[r + 1]!; k++) {
        const c = indices[k]!;
        if (!(c >= 0 && c < cols)) throw new FormatError(`${file}: CSR column ${c} at entry ${k} is outside 0…${cols - 1}`);
        data[r * cols + c]! += values[k]!;
      }
    }
    return { rows, cols, data };
  }
  const arr: NpyArray = pickledArray(obj, file);
  if (arr.shape.length !== 2) throw new FormatError(`${file}: expected a 2-D array, got shape (${arr.shape.join(", ")})`);
  return { rows: arr.shape[0]!, cols: arr.shape[1]!, data: Float32Array.from(arr.data as ArrayLike<number>) };
}

/** The adjacency dict {node: [neighbours]} (a defaultdict or a plain dict). */
function adjacency(obj: unknown, file: string): Map<number, number[]> {
  const items = obj instanceof Map ? obj : isRecord(obj) ? obj.items : undefined;
  if (!(items instanceof Map)) throw new FormatError(`${file}: expected a pickled dict of adjacency lists`);
  for (const [k, v] of items) {
    if (typeof k !== "number" || !Array.isArray(v) || !v.every((j) => typeof j === "number")) throw new FormatError(`${file}: node ${String(k)} does not map to a list of node numbers`);
  }
  return items as Map<number, number[]>;
}

function argmaxRows(m: Dense): Int32Array {
  const out = new Int32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let best = 0;
    for (let c = 1; c < m.cols; c++) if (m.data[r * m.cols + c]! > m.data[r * m.cols + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Reads one Planetoid graph from its raw folder (PyG's read_planetoid_data). */
export function readPlanetoid(folder: string, name: PlanetoidName): Data {
  const fs = requireNode("node:fs", "reading Planetoid files");
  const path = requireNode("node:path", "reading Planetoid files");
  const prefix = name.toLowerCase();
  const file = (part: string) => path.join(folder, `ind.${prefix}.${part}`);
  const read = (part: string) => {
    const f = file(part);
    if (!fs.existsSync(f)) throw new DataError(`Planetoid: ${f} is missing (expected the raw files ind.${prefix}.{x,tx,allx,y,ty,ally,graph,test.index})`);
    return fs.readFileSync(f);
  };
  const matrix = (part: string) => denseMatrix(unpickle(read(part), file(part)), file(part));
  const [x, tx0, allx] = ["x", "tx", "allx"].map(matrix) as [Dense, Dense, Dense];
  const [y, ty0, ally] = ["y", "ty", "ally"].map(matrix) as [Dense, Dense, Dense];
  if (x.rows !== y.rows) throw new FormatError(`Planetoid ${name}: ind.${prefix}.x has ${x.rows} rows but ind.${prefix}.y has ${y.rows} (the labelled training nodes)`);
  const graph = adjacency(unpickle(read("graph"), file("graph")), file("graph"));
  const testIndex = read("test.index").toString("utf8").split(/\s+/).filter(Boolean).map((s, i) => {
    const v = Number(s);
    if (!Number.isSafeInteger(v) || v < 0) throw new FormatError(`${file("test.index")}: line ${i + 1} is not a node number: '${s}'`);
    return v;
  });
  const sorted = [...testIndex].sort((a, b) => a - b);
  let [tx, ty] = [tx0, ty0];
  if (prefix === "citeseer") {
    // CiteSeer lists isolated test nodes that have no features: pad them with zero rows.
    const lo = sorted[0]!;
    const span = sorted[sorted.length - 1]! - lo + 1;
    const pad = (m: Dense): Dense => {
      const out = new Float32Array(span * m.cols);
      sorted.forEach((v, k) => out.set(m.data.subarray(k * m.cols, (k + 1) * m.cols), (v - lo) * m.cols));
      return { rows: span, cols: m.cols, data: out };
    };
    [tx, ty] = [pad(tx), pad(ty)];
  }
  if (tx.rows !== sorted.length && prefix !== "citeseer") throw new FormatError(`${file("tx")}: ${tx.rows} test rows for ${sorted.length} test indices`);
  const n = allx.rows + tx.rows;
  const cols = allx.cols;
  if (tx.cols !== cols || ally.cols !== ty.cols) throw new FormatError(`Planetoid ${name}: feature or label widths disagree between the files`);
  const feats = new Float32Array(n * cols);
  feats.set(allx.data, 0);
  feats.set(tx.data, allx.rows * cols);
  const labelsAll = Int32Array.from([...argmaxRows(ally), ...argmaxRows(ty)]);
  // Test rows are stored in sorted order; put each back at its listed node.
  const xs = feats.slice();
  const labels = labelsAll.slice();
  testIndex.forEach((v, k) => {
    const from = sorted[k]!;
    if (v >= n || from >= n) throw new FormatError(`${file("test.index")}: node ${Math.max(v, from)} is outside the ${n} nodes`);
    xs.set(feats.subarray(from * cols, (from + 1) * cols), v * cols);
    labels[v] = labelsAll[from]!;
  });
  const rows: number[] = [];
  const colsOut: number[] = [];
  for (const [k, vs] of graph) {
    for (const v of vs) {
      if (k >= n || v >= n || k < 0 || v < 0) throw new FormatError(`${file("graph")}: edge ${k} → ${v} names a node outside the ${n} nodes`);
      rows.push(k);
      colsOut.push(v);
    }
  }
  const [noLoops] = removeSelfLoops(edgeTensor(rows, colsOut));
  const edgeIndex = coalesce(noLoops, { numNodes: n, sortByRow: false });
  const mask = (pick: (i: number) => boolean) => tensor(Array.from({ length: n }, (_, i) => pick(i)));
  const test = new Set(testIndex);
  return new Data({
    x: tensor(xs, { shape: [n, cols] }),
    edgeIndex,
    y: tensor(labels, { dtype: "int32" }),
    trainMask: mask((i) => i < y.rows),
    valMask: mask((i) => i >= y.rows && i < y.rows + 500),
    testMask: mask((i) => test.has(i)),
  });
}

export class Planetoid extends GraphDataset {
  readonly name: PlanetoidName;

  constructor(options: PlanetoidOptions) {
    checkOptions("Planetoid", options, { root: "string", name: "string", transform: "any" });
    const name = checkChoice<PlanetoidName>("Planetoid", "name", options.name, ["Cora", "CiteSeer", "PubMed"]);
    if (!options.root) throw new ValueError("Planetoid: root must name the folder that holds <Name>/raw/");
    const path = requireNode("node:path", "reading Planetoid files");
    super([readPlanetoid(path.join(options.root, name, "raw"), name)], options.transform ?? null);
    this.name = name;
  }
}
