/**
 * GloVe-format vectors ("word v1 v2 … vd" per line) for a vocabulary: an embedding matrix whose
 * row i is the vector of vocab token i (zeros for words the file lacks), ready for
 * nn.Embedding.fromPretrained. The file is streamed, so multi-gigabyte files are fine.
 */
import { requireNode } from "../../base/node.js";
import { DataError, FormatError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
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

/**
 * The lines of a UTF-8 file, streamed (GloVe files run to gigabytes); invalid UTF-8 is a
 * FormatError naming the byte offset, a read failure a DataError.
 */
async function* utf8Lines(path: string): AsyncGenerator<string> {
  const stream = requireNode("node:fs", "loadGlove").createReadStream(path);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let offset = 0;
  let pending = "";
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      let chunk: IteratorResult<Buffer>;
      try {
        chunk = await iterator.next();
      } catch (e) {
        throw new DataError(`loadGlove: cannot read ${path}: ${(e as Error).message}`);
      }
      let text: string;
      try {
        text = decoder.decode(chunk.done ? undefined : chunk.value, { stream: !chunk.done });
      } catch {
        throw new FormatError(`${path}: not valid UTF-8 text (in the bytes from offset ${offset})`);
      }
      if (!chunk.done) offset += chunk.value.length;
      const lines = (pending + text).split("\n");
      pending = chunk.done ? "" : lines.pop()!;
      for (const line of lines) yield line.endsWith("\r") ? line.slice(0, -1) : line;
      if (chunk.done) return;
    }
  } finally {
    stream.destroy(); // also when the caller stops early (a format error)
  }
}

export async function loadGlove(path: string, vocab: Vocab, { lowercase = false }: { lowercase?: boolean } = {}): Promise<GloveResult> {
  const wanted = new Map<string, number>();
  vocab.itos.forEach((t, i) => wanted.set(lowercase ? t.toLowerCase() : t, i));
  let dim = 0;
  let rows: Float32Array | null = null;
  const hit = new Uint8Array(vocab.length);
  let lineNo = 0;
  const { statSync } = requireNode("node:fs", "loadGlove");
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new DataError(`loadGlove: cannot read ${path}: ${(e as Error).message}`);
  }
  if (!isFile) throw new DataError(`loadGlove: ${path} is not a file (give the path of a GloVe .txt file)`);
  for await (const line of utf8Lines(path)) {
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
