/**
 * The IDX format of MNIST and Fashion-MNIST: a magic number (0, 0, type, rank), big-endian int32
 * dims, then the data. Gzipped files (by content, whatever their name) are inflated first.
 */
import { requireNode } from "../../core/node.js";
import { FormatError } from "../../core/errors.js";

export interface IdxArray {
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { bytes: number; read: (v: DataView, at: number, n: number) => IdxArray["data"] }> = {
  0x08: { bytes: 1, read: (v, at, n) => new Uint8Array(v.buffer, v.byteOffset + at, n).slice() },
  0x09: { bytes: 1, read: (v, at, n) => new Int8Array(v.buffer, v.byteOffset + at, n).slice() },
  0x0b: { bytes: 2, read: (v, at, n) => Int16Array.from({ length: n }, (_, i) => v.getInt16(at + 2 * i)) },
  0x0c: { bytes: 4, read: (v, at, n) => Int32Array.from({ length: n }, (_, i) => v.getInt32(at + 4 * i)) },
  0x0d: { bytes: 4, read: (v, at, n) => Float32Array.from({ length: n }, (_, i) => v.getFloat32(at + 4 * i)) },
  0x0e: { bytes: 8, read: (v, at, n) => Float64Array.from({ length: n }, (_, i) => v.getFloat64(at + 8 * i)) },
};

/**
 * Inflates gzip data, refusing to produce more than its trailer promises (ISIZE: the size mod 2³²),
 * so a small file that claims little and inflates to gigabytes (a "zip bomb") stops at once.
 */
export function gunzipBounded(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes.length < 18) throw new FormatError(`${name}: gzip data is truncated (${bytes.length} bytes)`);
  const promised = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4, true);
  try {
    // One byte past the promise: inflating that far means the trailer lied.
    const out = requireNode("node:zlib", "reading gzipped data").gunzipSync(bytes, { maxOutputLength: promised + 1 });
    if (out.length !== promised) throw new Error(`it inflates to ${out.length} bytes, its trailer says ${promised}`);
    return out;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ERR_BUFFER_TOO_LARGE" ? `it inflates past the ${promised} bytes its trailer promises` : (e as Error).message;
    throw new FormatError(`${name}: gzip data is corrupt or truncated (${why})`);
  }
}

/** Parses IDX bytes; `name` (the file) appears in every error. */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  const buf = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipBounded(bytes, name) : bytes;
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new FormatError(`${name}: not an IDX file (bad magic number at byte 0)`);
  const type = TYPES[buf[2]!];
  if (!type) throw new FormatError(`${name}: unknown IDX data type 0x${buf[2]!.toString(16)} at byte 2`);
  const rank = buf[3]!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4 + 4 * rank) throw new FormatError(`${name}: truncated header (rank ${rank} needs ${4 + 4 * rank} bytes, file has ${buf.length})`);
  const shape = Array.from({ length: rank }, (_, i) => view.getInt32(4 + 4 * i));
  const bad = shape.findIndex((d) => d < 0);
  if (bad >= 0) throw new FormatError(`${name}: dimension ${bad} is ${shape[bad]} (byte ${4 + 4 * bad}); IDX dimensions are non-negative`);
  const n = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  const need = start + n * type.bytes;
  if (buf.length < need) {
    throw new FormatError(`${name}: truncated: shape [${shape.join(", ")}] needs ${need} bytes, the file has ${buf.length}`);
  }
  if (buf.length > need) throw new FormatError(`${name}: ${buf.length - need} trailing bytes after the data of shape [${shape.join(", ")}] (byte ${need})`);
  return { shape, data: type.read(view, start, n) };
}

export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = requireNode("node:fs", "readIdx").readFileSync(path);
  } catch (e) {
    throw new FormatError(`cannot read IDX file ${path}: ${(e as Error).message}`);
  }
  return parseIdx(bytes, path);
}

/** Encodes an IDX file (uint8 or float32 data) — for tests and for exporting data. */
export function encodeIdx(shape: readonly number[], data: Uint8Array | Float32Array): Uint8Array {
  const isFloat = data instanceof Float32Array;
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = isFloat ? 0x0d : 0x08;
  header[3] = shape.length;
  shape.forEach((d, i) => view.setInt32(4 + 4 * i, d));
  const body = new Uint8Array(data.length * (isFloat ? 4 : 1));
  if (isFloat) data.forEach((v, i) => new DataView(body.buffer).setFloat32(4 * i, v));
  else body.set(data);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}
