/**
 * GloVe-format vectors ("word v1 v2 … vd" per line) for a vocabulary: an embedding matrix whose
 * row i is the vector of vocab token i (zeros for words the file lacks), ready for
 * nn.Embedding.fromPretrained. The file is streamed, so multi-gigabyte files are fine.
 */
import { requireNode } from "../../core/node.js";
import { DataError, FormatError } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { tensor } from "../../ops/creation.js";
import type { Vocab } from "../text/vocab.js";
import { parseDecimal } from "./csv.js";

export interface GloveResult {
  vectors: Tensor;
  dim: number;
  /** Vocabulary tokens that had a vector in the file. */
  found: number;
  missing: string[];
}

export async function loadGlove(path: string, vocab: Vocab, { lowercase = false }: { lowercase?: boolean } = {}): Promise<GloveResult> {
  const wanted = new Map<string, number>();
  vocab.itos.forEach((t, i) => wanted.set(lowercase ? t.toLowerCase() : t, i));
  let dim = 0;
  let rows: Float32Array | null = null;
  const hit = new Uint8Array(vocab.length);
  let lineNo = 0;
  const { createReadStream, statSync } = requireNode("node:fs", "loadGlove");
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new DataError(`loadGlove: cannot read ${path}: ${(e as Error).message}`);
  }
  if (!isFile) throw new DataError(`loadGlove: ${path} is not a file (give the path of a GloVe .txt file)`);
  const { createInterface } = requireNode("node:readline", "loadGlove");
  const stream = createReadStream(path, "utf8");
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (e) => reject(new DataError(`loadGlove: cannot read ${path}: ${e.message}`)));
  });
  await opened;
  const lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const next = async () => {
    try {
      return await lines.next();
    } catch (e) {
      throw new DataError(`loadGlove: cannot read ${path} (after line ${lineNo}): ${(e as Error).message}`);
    }
  };
  for (let r = await next(); !r.done; r = await next()) {
    const line = r.value;
    lineNo++;
    if (!line.trim()) continue;
    const parts = line.trimEnd().split(" ");
    const word = parts[0]!;
    if (dim === 0) {
      dim = parts.length - 1;
      if (dim < 1) throw new FormatError(`${path}: line 1 has no vector`);
      rows = new Float32Array(vocab.length * dim);
    } else if (parts.length - 1 !== dim) {
      throw new FormatError(`${path}: line ${lineNo} has ${parts.length - 1} values, expected ${dim}`);
    }
    const i = wanted.get(lowercase ? word.toLowerCase() : word);
    if (i === undefined || hit[i]) continue;
    for (let k = 0; k < dim; k++) {
      const v = parseDecimal(parts[k + 1]!);
      if (Number.isNaN(v)) throw new FormatError(`${path}: line ${lineNo}: '${parts[k + 1]}' is not a number`);
      rows![i * dim + k] = v;
    }
    hit[i] = 1;
  }
  if (!rows) throw new FormatError(`${path}: the file holds no vectors`);
  const missing = vocab.itos.filter((_, i) => !hit[i]);
  return { vectors: tensor(rows, { shape: [vocab.length, dim] }), dim, found: vocab.length - missing.length, missing };
}
