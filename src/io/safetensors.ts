/**
 * safetensors, the weights format PyTorch and Hugging Face read: an 8-byte little-endian header
 * length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__}, then the raw
 * little-endian tensor bytes. Writes are atomic; a truncated or corrupt file is a FormatError
 * that names the file and the tensor.
 */
import { requireNode } from "../base/node.js";
import { DataError, FormatError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import type { DType } from "../base/dtype.js";
import { tensor } from "../ops/creation.js";
import { writeFileAtomic } from "./atomic.js";

export type StateDict = Record<string, Tensor>;

const WRITE: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };
const BYTES: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, BOOL: 1, F16: 2, BF16: 2, U8: 1, I8: 1, I16: 2 };

function littleEndianBytes(t: Tensor): Uint8Array {
  const data = t.contiguous().dataSync();
  // Typed arrays are little-endian on every platform Node and browsers run on (x86, ARM).
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function encodeSafetensors(state: StateDict, metadata: Record<string, string> = {}): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const bodies: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(state)) {
    const bytes = littleEndianBytes(t);
    header[name] = { dtype: WRITE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    bodies.push(bytes);
    offset += bytes.length;
  }
  // The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  return [len, headerBytes, ...bodies];
}

/** Saves a state dict (e.g. `model.stateDict()`) atomically. */
export function saveSafetensors(file: string, state: StateDict, metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, encodeSafetensors(state, metadata));
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decodeTensor(bytes: Uint8Array, dtype: string, shape: number[], name: string, file: string): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "F32":
      return tensor(Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true)), { shape });
    case "F64":
      return tensor(Float64Array.from({ length: n }, (_, i) => view.getFloat64(8 * i, true)), { shape });
    case "F16":
      return tensor(Float32Array.from({ length: n }, (_, i) => half(view.getUint16(2 * i, true))), { shape });
    case "BF16":
      return tensor(Float32Array.from({ length: n }, (_, i) => new Float32Array(new Uint32Array([view.getUint16(2 * i, true) << 16]).buffer)[0]!), { shape });
    case "I32":
      return tensor(Int32Array.from({ length: n }, (_, i) => view.getInt32(4 * i, true)), { shape });
    case "I64":
      return tensor(
        Int32Array.from({ length: n }, (_, i) => {
          const v = view.getBigInt64(8 * i, true);
          if (v > 2147483647n || v < -2147483648n) throw new FormatError(`${file}: tensor '${name}' holds int64 value ${v}, outside int32`);
          return Number(v);
        }),
        { shape },
      );
    case "I16":
      return tensor(Int32Array.from({ length: n }, (_, i) => view.getInt16(2 * i, true)), { shape });
    case "I8":
      return tensor(Int32Array.from({ length: n }, (_, i) => view.getInt8(i)), { shape });
    case "U8":
      return tensor(Int32Array.from({ length: n }, (_, i) => view.getUint8(i)), { shape });
    case "BOOL":
      return tensor(Uint8Array.from({ length: n }, (_, i) => view.getUint8(i)), { shape, dtype: "bool" });
    default:
      throw new FormatError(`${file}: tensor '${name}' has unsupported dtype ${dtype}`);
  }
}

/** The safetensors spec's cap on the JSON header (100 MB): a larger length is a damaged file. */
const MAX_HEADER = 100_000_000;

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** One header entry, checked against the spec: dtype name, shape of counts, offsets of the right size. */
function checkEntry(name: string, info: unknown, file: string): Entry {
  const where = `${file}: tensor '${name}'`;
  if (typeof info !== "object" || info === null || Array.isArray(info)) throw new FormatError(`${where}: its header entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== "string" || !Object.hasOwn(BYTES, dtype)) throw new FormatError(`${where} has unsupported dtype ${JSON.stringify(dtype)} (known: ${Object.keys(BYTES).join(", ")})`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new FormatError(`${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0]! > offsets[1]!) {
    throw new FormatError(`${where}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offsets)}`);
  }
  const n = (shape as number[]).reduce((a, b) => a * b, 1);
  const [begin, end] = offsets as [number, number];
  if (end - begin !== n * BYTES[dtype]!) {
    throw new FormatError(`${where} of shape [${(shape as number[]).join(", ")}] ${dtype} needs ${n * BYTES[dtype]!} bytes, its offsets give ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/**
 * Parses safetensors bytes. Everything is checked against the format's rules before any tensor is
 * made: the header is a UTF-8 JSON object of at most 100 MB, every entry has a known dtype, a shape
 * of counts and offsets of the right size, and the offsets tile the data region exactly — in
 * bounds, without gaps or overlaps (as the spec requires). Errors are FormatErrors naming the file.
 */
export function parseSafetensors(bytes: Uint8Array, file = "safetensors data"): { tensors: StateDict; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new FormatError(`${file}: truncated (${bytes.length} bytes; a safetensors file starts with an 8-byte header length)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    throw new FormatError(`${file}: truncated or not safetensors (header of ${headerLen} bytes at byte 0, file has ${bytes.length}; the format allows ${MAX_HEADER})`);
  }
  const n = Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new FormatError(`${file}: the header is not valid JSON (bytes 8–${8 + n}, UTF-8) (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new FormatError(`${file}: the header must be a JSON object, got ${JSON.stringify(header).slice(0, 40)}`);
  const body = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (typeof info !== "object" || info === null || Array.isArray(info) || !Object.values(info).every((v) => typeof v === "string")) {
        throw new FormatError(`${file}: __metadata__ must map strings to strings`);
      }
      for (const [k, v] of Object.entries(info)) Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
    } else entries.push(checkEntry(name, info, file));
  }
  // The offsets must tile [0, body.length): sorted by begin, each starting where the last ended.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.begin !== at) {
      throw new FormatError(`${file}: tensor '${e.name}' starts at data byte ${e.begin}, expected ${at} (${e.begin > at ? "a gap" : "an overlap"} in the data region)`);
    }
    at = e.end;
  }
  const cut = entries.find((e) => e.end > body.length);
  if (cut) throw new FormatError(`${file}: truncated: tensor '${cut.name}' ends at byte ${cut.end} of the data, which has ${body.length}`);
  if (at !== body.length) throw new FormatError(`${file}: ${body.length - at} trailing bytes after the last tensor's data (the format allows none)`);
  const tensors: StateDict = {};
  for (const e of entries) {
    // defineProperty: a tensor named "__proto__" is a key like any other, not the object's prototype.
    Object.defineProperty(tensors, e.name, { value: decodeTensor(body.subarray(e.begin, e.end), e.dtype, e.shape, e.name, file), enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata };
}

export function loadSafetensors(file: string): StateDict {
  return readSafetensors(file).tensors;
}

export function readSafetensors(file: string): { tensors: StateDict; metadata: Record<string, string> } {
  let bytes: Uint8Array;
  try {
    bytes = requireNode("node:fs", "readSafetensors").readFileSync(file);
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return parseSafetensors(bytes, file);
}

