/**
 * NumPy's .npy and .npz files: numeric arrays (little- or big-endian ints and floats, bool) and —
 * for Keras' imdb.npz, whose sequences are object arrays — a minimal unpickler that understands
 * what np.save writes for an object array of lists of ints (pickle protocols 2–5).
 */
import { requireNode } from "../../base/node.js";
import { crc32 } from "../../base/bytes.js";
import { unzipSync } from "fflate";
import { DataError, FormatError } from "../../base/errors.js";

export type NpyData = Float32Array | Float64Array | Int32Array | Uint8Array | number[] | unknown[];

export interface NpyArray {
  dtype: string;
  shape: number[];
  data: NpyData;
}

const NUMERIC: Record<string, { bytes: number; get: (v: DataView, at: number, le: boolean) => number }> = {
  f4: { bytes: 4, get: (v, a, le) => v.getFloat32(a, le) },
  f8: { bytes: 8, get: (v, a, le) => v.getFloat64(a, le) },
  i1: { bytes: 1, get: (v, a) => v.getInt8(a) },
  u1: { bytes: 1, get: (v, a) => v.getUint8(a) },
  b1: { bytes: 1, get: (v, a) => v.getUint8(a) },
  i2: { bytes: 2, get: (v, a, le) => v.getInt16(a, le) },
  u2: { bytes: 2, get: (v, a, le) => v.getUint16(a, le) },
  i4: { bytes: 4, get: (v, a, le) => v.getInt32(a, le) },
  u4: { bytes: 4, get: (v, a, le) => v.getUint32(a, le) },
  i8: { bytes: 8, get: (v, a, le) => Number(v.getBigInt64(a, le)) },
  u8: { bytes: 8, get: (v, a, le) => Number(v.getBigUint64(a, le)) },
};

const isCount = (v: number) => Number.isSafeInteger(v) && v >= 0;

/**
 * Parses .npy bytes: magic, version 1–3, a header dict with descr, fortran_order and a shape of
 * counts, then exactly the bytes that shape needs (object arrays: a pickle). Errors are
 * FormatErrors naming the file and the byte offset.
 */
export function parseNpy(bytes: Uint8Array, name = "npy data"): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new FormatError(`${name}: not a .npy file (bad magic at byte 0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new FormatError(`${name}: unknown .npy format version ${major}.${bytes[7]} at byte 6`);
  const headerAt = major === 1 ? 10 : 12;
  if (bytes.length < headerAt) throw new FormatError(`${name}: truncated header length at byte 8`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = headerAt + headerLen;
  if (bytes.length < start) throw new FormatError(`${name}: truncated header (${headerLen} bytes from byte ${headerAt}, file has ${bytes.length})`);
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(bytes.subarray(headerAt, start));
  } catch {
    throw new FormatError(`${name}: the header at byte ${headerAt} is not valid text`);
  }
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new FormatError(`${name}: unreadable header ${header.trim().slice(0, 80)}`);
  if (fortran) throw new FormatError(`${name}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const parts = shapeText.split(",").map((s) => s.trim()).filter(Boolean);
  const shape = parts.map((s) => (/^\d+L?$/.test(s) ? Number(s.replace("L", "")) : NaN));
  if (!shape.every(isCount)) throw new FormatError(`${name}: shape (${shapeText}) must hold non-negative integers`);
  const n = shape.reduce((a, b) => a * b, 1);
  if (descr === "|O") {
    const obj = unpickle(bytes.subarray(start), name) as Reduced | null;
    const raw = Array.isArray(obj?.state) ? obj.state[4] : undefined;
    if (!Array.isArray(raw)) throw new FormatError(`${name}: object array pickle has an unexpected layout`);
    if (raw.length !== n) throw new FormatError(`${name}: the object array holds ${raw.length} items, its shape (${shape.join(", ")}) needs ${n}`);
    return { dtype: "object", shape, data: raw };
  }
  const spec = Object.hasOwn(NUMERIC, descr.slice(1)) ? NUMERIC[descr.slice(1)] : undefined;
  if (!spec || !"<>|=".includes(descr[0]!)) throw new FormatError(`${name}: unsupported dtype ${descr}`);
  const need = start + n * spec.bytes;
  if (bytes.length < need) throw new FormatError(`${name}: truncated: shape (${shape.join(", ")}) needs ${n * spec.bytes} data bytes from byte ${start}, the file has ${bytes.length - start}`);
  if (bytes.length > need) throw new FormatError(`${name}: ${bytes.length - need} trailing bytes after the data (byte ${need})`);
  const le = descr[0] !== ">";
  const out = descr.slice(1) === "f4" ? new Float32Array(n) : descr.slice(1) === "f8" ? new Float64Array(n) : new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = spec.get(view, start + i * spec.bytes, le);
  return { dtype: descr.slice(1), shape, data: out };
}

/** Deflate inflates at most ~1032:1; a zip entry claiming more than that is damaged, not data. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * The entries of a zip archive, each checked against its directory record: the size it claims
 * must be possible for its compressed size (checked before inflating anything), and the inflated
 * bytes must have that size and CRC-32.
 */
export function unzipChecked(bytes: Uint8Array, name: string): Record<string, Uint8Array> {
  // The central directory first: every record and local header in bounds, and no entry claiming
  // more than deflate can make of its compressed bytes, before anything is inflated or allocated.
  const claims = new Map<string, { size: number; crc: number }>();
  for (const entry of centralDirectory(bytes, name)) {
    // A compressed size past the archive's end would let the claimed size grow without bound.
    if (entry.compressed > bytes.length) {
      throw new FormatError(`${name}: entry '${entry.name}' claims ${entry.compressed} compressed bytes, more than the archive's ${bytes.length}`);
    }
    if (entry.size > (entry.compressed + 64) * MAX_DEFLATE_RATIO) {
      throw new FormatError(`${name}: entry '${entry.name}' claims ${entry.size} bytes from ${entry.compressed} compressed, more than deflate can produce`);
    }
    claims.set(entry.name, entry);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        const claim = claims.get(f.name);
        if (!claim || f.originalSize !== claim.size) throw new Error(`entry '${f.name}' does not match its directory record`);
        return true;
      },
    });
  } catch (e) {
    throw new FormatError(`${name}: cannot read as .npz or .keras, a zip archive (${(e as Error).message})`);
  }
  // fflate checks no CRC: compare each entry with its directory record ourselves.
  for (const [entry, data] of Object.entries(files)) {
    const claim = claims.get(entry);
    if (!claim) throw new FormatError(`${name}: entry '${entry}' is missing from the central directory`);
    if (data.length !== claim.size) throw new FormatError(`${name}: entry '${entry}' inflates to ${data.length} bytes, its directory record says ${claim.size}`);
    if ((crc32(data) >>> 0) !== claim.crc) throw new FormatError(`${name}: entry '${entry}' fails its CRC-32 check (damaged data)`);
  }
  return files;
}

/** Name, sizes and CRC-32 of each central-directory record of a zip archive. */
function centralDirectory(bytes: Uint8Array, name: string): { name: string; size: number; compressed: number; crc: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new FormatError(`${name}: cannot read as .npz or .keras, a zip archive (no end-of-central-directory record)`);
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const out: { name: string; size: number; compressed: number; crc: number }[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw new FormatError(`${name}: damaged central directory record ${k} at byte ${at}`);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    if (at + 46 + nameLen > bytes.length) throw new FormatError(`${name}: damaged central directory record ${k} at byte ${at}`);
    const local = view.getUint32(at + 42, true);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw new FormatError(`${name}: entry ${k}'s local header at byte ${local} is damaged`);
    out.push({ name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLen)), size: view.getUint32(at + 24, true), compressed: view.getUint32(at + 20, true), crc: view.getUint32(at + 16, true) });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** All arrays of an .npz archive by name (without the .npy suffix). */
export function readNpz(path: string): Record<string, NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = requireNode("node:fs", "readNpz").readFileSync(path);
  } catch (e) {
    throw new DataError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseNpz(bytes, path);
}

/** The arrays of .npz bytes by name; `path` names the archive in errors. */
export function parseNpz(bytes: Uint8Array, path = "npz data"): Record<string, NpyArray> {
  const files = unzipChecked(bytes, path);
  const out: Record<string, NpyArray> = {};
  for (const [k, v] of Object.entries(files)) {
    Object.defineProperty(out, k.replace(/\.npy$/, ""), { value: parseNpy(v, `${path}:${k}`), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A pickled object we cannot build in JS: the callable's name, its arguments, BUILD's state, and
 * the items SETITEMS gave it (dict subclasses such as defaultdict).
 */
export interface Reduced {
  call: string;
  args: unknown[];
  state?: unknown;
  items?: Map<unknown, unknown>;
}

/**
 * Enough of the pickle machine for numpy arrays and the SciPy/Python containers datasets pickle:
 * globals become names, calls become records, dicts become Maps, and Python 2 byte strings become
 * latin-1 strings (one char per byte, as Python's `encoding="latin1"` reads them).
 * Every read is bounds-checked and every opcode advances, so damaged input ends in a FormatError
 * naming the byte, within time and memory proportional to its length.
 */
export function unpickle(bytes: Uint8Array, name = "pickle"): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let i = 0;
  let opAt = 0;
  const fail: (why: string) => never = (why) => {
    throw new FormatError(`${name}: ${why} (pickle opcode 0x${(bytes[opAt] ?? 0).toString(16)} at byte ${opAt})`);
  };
  /** `n` bytes from the current position (the position moves past them). */
  const take = (n: number): Uint8Array => {
    if (n < 0 || i + n > bytes.length) fail(`truncated: ${n} bytes needed, ${bytes.length - i} left`);
    const out = bytes.subarray(i, i + n);
    i += n;
    return out;
  };
  const u8 = () => take(1)[0]!;
  const u16 = () => (take(2), view.getUint16(i - 2, true));
  const i32 = () => (take(4), view.getInt32(i - 4, true));
  const u32 = () => (take(4), view.getUint32(i - 4, true));
  const text = (b: Uint8Array) => {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(b);
    } catch {
      return fail("a string is not valid UTF-8");
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, i);
    if (end < 0) fail("a text argument has no terminating newline");
    return text(take(end - i + 1).subarray(0, -1));
  };
  const pop = (): unknown => (stack.length > (marks[marks.length - 1] ?? 0) ? stack.pop() : fail("stack underflow"));
  const top = (): unknown => (stack.length ? stack[stack.length - 1] : fail("stack underflow"));
  const popMark = () => {
    const at = marks.pop();
    if (at === undefined) fail("no MARK to pop to");
    return stack.splice(at!);
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : fail("appending to something that is not a list"));
  const dict = (v: unknown): Map<unknown, unknown> => {
    if (v instanceof Map) return v;
    if (typeof v === "object" && v !== null && "call" in v) return ((v as Reduced).items ??= new Map());
    return fail("setting an item on something that is not a dict");
  };
  const latin1 = (b: Uint8Array) => {
    let out = "";
    for (let k = 0; k < b.length; k += 4096) out += String.fromCharCode(...b.subarray(k, k + 4096));
    return out;
  };
  const push = (target: unknown[], items: unknown[]) => {
    for (const v of items) target.push(v); // not push(...items): a long list would overflow the call stack
  };
  const call = () => {
    const args = pop();
    const fn = pop();
    if (!Array.isArray(args) || typeof fn !== "string") fail("a call needs a global and an argument tuple");
    stack.push({ call: fn, args } satisfies Reduced);
  };
  while (i < bytes.length) {
    opAt = i;
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: take(8); break; // FRAME
      case 0x63: stack.push(`${line()} ${line()}`); break; // GLOBAL
      case 0x93: { const n2 = pop(); const m = pop(); stack.push(`${String(m)} ${String(n2)}`); break; } // STACK_GLOBAL
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { const k = op === 0x68 ? u8() : u32(); if (!memo.has(k)) fail(`memo ${k} was never stored`); stack.push(memo.get(k)); break; } // BINGET, LONG_BINGET
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: { const b = take(u8()); let v = 0n; for (let k = b.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]!); if (b.length && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length); stack.push(Number(v)); break; } // LONG1
      case 0x47: take(8); stack.push(view.getFloat64(i - 8, false)); break; // BINFLOAT
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x55: stack.push(latin1(take(u8()))); break; // SHORT_BINSTRING
      case 0x54: stack.push(latin1(take(i32()))); break; // BINSTRING
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x73: { const v = pop(); const k = pop(); dict(top()).set(k, v); break; } // SETITEM
      case 0x75: { const kv = popMark(); const d = dict(top()); for (let k = 0; k + 1 < kv.length; k += 2) d.set(kv[k], kv[k + 1]); break; } // SETITEMS
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x8c: stack.push(text(take(u8()))); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text(take(u32()))); break; // BINUNICODE
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x74: case 0x6c: stack.push(popMark()); break; // TUPLE, LIST
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x61: { const v = pop(); list(top()).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); push(list(top()), items); break; } // APPENDS
      case 0x52: case 0x81: call(); break; // REDUCE, NEWOBJ
      case 0x62: { const state = pop(); const obj = top(); if (typeof obj !== "object" || obj === null || !("call" in obj)) fail("BUILD on something that is not an object"); (obj as Reduced).state = state; break; } // BUILD
      case 0x2e: return pop(); // STOP
      default:
        fail("unsupported pickle opcode");
    }
  }
  throw new FormatError(`${name}: pickle ended without STOP (truncated?) at byte ${bytes.length}`);
}

const isRecord = (v: unknown, ...calls: string[]): v is Reduced =>
  typeof v === "object" && v !== null && "call" in v && calls.includes((v as Reduced).call);

/**
 * An array's raw bytes as each pickle protocol stores them: a Python 2 string (read as latin-1),
 * bytes (protocol 3+), or `_codecs.encode(text, "latin1")` (protocol 2 written by Python 3).
 */
function rawBytes(raw: unknown): Uint8Array | null {
  if (raw instanceof Uint8Array) return raw;
  if (isRecord(raw, "_codecs encode") && typeof raw.args[0] === "string" && raw.args[1] === "latin1") raw = raw.args[0];
  if (typeof raw !== "string") return null;
  const out = new Uint8Array(raw.length);
  for (let k = 0; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    if (c > 255) return null;
    out[k] = c;
  }
  return out;
}

/**
 * A NumPy array from what unpickle returns for one (`numpy.core.multiarray _reconstruct` with its
 * BUILD state: version, shape, dtype, Fortran order, raw bytes); numeric dtypes only.
 */
export function pickledArray(obj: unknown, name = "pickle"): NpyArray {
  const bad = (why: string): never => {
    throw new FormatError(`${name}: ${why}`);
  };
  if (!isRecord(obj, "numpy.core.multiarray _reconstruct", "numpy._core.multiarray _reconstruct")) bad("not a pickled NumPy array");
  const state = (obj as Reduced).state;
  if (!Array.isArray(state) || state.length !== 5) bad("a pickled NumPy array has an unexpected state");
  const [, shape, dtype, fortran, raw] = state as unknown[];
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === "number" && isCount(d))) bad("a pickled NumPy array's shape must hold non-negative integers");
  if (!isRecord(dtype, "numpy dtype") || typeof dtype.args[0] !== "string") bad("a pickled NumPy array has no dtype");
  const code = (dtype as Reduced).args[0] as string;
  const dstate = (dtype as Reduced).state;
  const order = Array.isArray(dstate) && typeof dstate[1] === "string" ? dstate[1] : "<";
  const spec = Object.hasOwn(NUMERIC, code) ? NUMERIC[code]! : bad(`unsupported NumPy dtype '${code}'`);
  const bytes = rawBytes(raw) ?? bad("a pickled NumPy array's data is not a byte string");
  const dims = shape as number[];
  const n = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== n * spec.bytes) bad(`a pickled ${code} array of shape (${dims.join(", ")}) needs ${n * spec.bytes} bytes, it has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = code === "f4" ? new Float32Array(n) : code === "f8" ? new Float64Array(n) : new Array<number>(n);
  const le = order !== ">";
  // Fortran order stores the first dim fastest: read it back into row-major order.
  const rowMajor = fortran !== true || dims.length < 2;
  const strides = dims.map((_, d) => dims.slice(rowMajor ? d + 1 : 0, rowMajor ? undefined : d).reduce((a, b) => a * b, 1));
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let d = dims.length - 1, rest = i; d >= 0; d--) {
      at += (rest % dims[d]!) * strides[d]!;
      rest = Math.floor(rest / dims[d]!);
    }
    data[i] = spec.get(view, at * spec.bytes, le);
  }
  return { dtype: code, shape: dims, data };
}
