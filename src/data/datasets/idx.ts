/**
 * The IDX format of MNIST and Fashion-MNIST: a magic number (0, 0, type, rank), big-endian int32
 * dims, then the data. Gzipped files (by content, whatever their name) are inflated first, no
 * further than their header promises.
 */
import { requireNode } from "../../base/node.js";
import { FormatError } from "../../base/errors.js";

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

/** Inflates gzip data to at most `limit` bytes (the rest of the stream is not inflated). */
function gunzipAtMost(bytes: Uint8Array, limit: number, name: string): Uint8Array {
  const zlib = requireNode("node:zlib", "reading gzipped data");
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: limit + 1 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FormatError(`${name}: gzip data is corrupt or truncated (${code === "ERR_BUFFER_TOO_LARGE" ? `it inflates past the ${limit} bytes its headers promise` : (e as Error).message})`);
  }
}

/** The first bytes a gzip stream inflates to (enough for a header), without inflating the rest. */
function gunzipPrefix(bytes: Uint8Array, want: number): Uint8Array {
  const zlib = requireNode("node:zlib", "reading gzipped data");
  // Deflate produces at most ~1032 bytes per input byte, so a prefix of the input bounds the work.
  for (let take = 64; ; take *= 4) {
    let out: Uint8Array;
    try {
      out = zlib.gunzipSync(bytes.subarray(0, take), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      out = new Uint8Array(0);
    }
    if (out.length >= want || take >= bytes.length) return out.subarray(0, want);
  }
}

interface Header {
  type: (typeof TYPES)[number];
  shape: number[];
  /** Byte offset of the data, and the total size the header implies. */
  start: number;
  size: number;
}

/** Magic, type, rank and dims, checked; `buf` may be only a prefix of the file. */
function readHeader(buf: Uint8Array, name: string): Header {
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new FormatError(`${name}: not an IDX file (bad magic number at byte 0)`);
  const type = TYPES[buf[2]!];
  if (!type) throw new FormatError(`${name}: unknown IDX data type 0x${buf[2]!.toString(16)} at byte 2`);
  const rank = buf[3]!;
  const start = 4 + 4 * rank;
  if (buf.length < start) throw new FormatError(`${name}: truncated header (rank ${rank} needs ${start} bytes, file has ${buf.length})`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getInt32(4 + 4 * i));
  const bad = shape.findIndex((d) => d < 0);
  if (bad >= 0) throw new FormatError(`${name}: dimension ${bad} is ${shape[bad]} (byte ${4 + 4 * bad}); IDX dimensions are non-negative`);
  return { type, shape, start, size: start + shape.reduce((a, b) => a * b, 1) * type.bytes };
}

/**
 * Inflates a gzipped IDX file no further than its header promises: the IDX header is read from an
 * inflated prefix first, and the gzip trailer's size (ISIZE, mod 2³²) must agree with it, so a small
 * file that would inflate to gigabytes (a "zip bomb") stops before any large allocation.
 */
function gunzipIdx(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes.length < 18) throw new FormatError(`${name}: gzip data is truncated (${bytes.length} bytes)`);
  const prefix = gunzipPrefix(bytes, 4 + 4 * 255);
  if (prefix.length < 4 || prefix.length < 4 + 4 * prefix[3]!) {
    throw new FormatError(`${name}: gzip data is corrupt or truncated (it inflates to ${prefix.length} bytes, less than its IDX header)`);
  }
  const header = readHeader(prefix, name);
  const trailer = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4, true);
  if (trailer !== header.size % 2 ** 32) {
    throw new FormatError(`${name}: the gzip trailer gives ${trailer} bytes, the IDX header of shape [${header.shape.join(", ")}] needs ${header.size} (damaged or truncated)`);
  }
  if (header.size > 2 ** 31) throw new FormatError(`${name}: shape [${header.shape.join(", ")}] needs ${header.size} bytes, more than a loader can hold`);
  return gunzipAtMost(bytes, header.size, name);
}

/** Parses IDX bytes; `name` (the file) appears in every error. */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  const buf = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipIdx(bytes, name) : bytes;
  const { type, shape, start, size } = readHeader(buf, name);
  if (buf.length < size) throw new FormatError(`${name}: truncated: shape [${shape.join(", ")}] needs ${size} bytes, the file has ${buf.length}`);
  if (buf.length > size) throw new FormatError(`${name}: ${buf.length - size} trailing bytes after the data of shape [${shape.join(", ")}] (byte ${size})`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return { shape, data: type.read(view, start, shape.reduce((a, b) => a * b, 1)) };
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
