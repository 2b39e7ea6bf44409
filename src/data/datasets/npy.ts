/**
 * NumPy's .npy and .npz files: numeric arrays (little- or big-endian ints and floats, bool) and —
 * for Keras' imdb.npz, whose sequences are object arrays — a minimal unpickler that understands
 * what np.save writes for an object array of lists of ints (pickle protocols 2–5).
 */
import { requireNode } from "../../core/node.js";
import { unzipSync } from "fflate";
import { DataError, FormatError } from "../../core/errors.js";

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

export function parseNpy(bytes: Uint8Array, name = "npy data"): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new FormatError(`${name}: not a .npy file (bad magic)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLen;
  if (bytes.length < start) throw new FormatError(`${name}: truncated header`);
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new FormatError(`${name}: unreadable header ${header.trim()}`);
  if (fortran) throw new FormatError(`${name}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  if (descr === "|O") {
    const obj = unpickle(bytes.subarray(start), name) as { state?: unknown[] };
    const raw = obj.state?.[4];
    if (!Array.isArray(raw)) throw new FormatError(`${name}: object array pickle has an unexpected layout`);
    return { dtype: "object", shape, data: raw };
  }
  const spec = NUMERIC[descr.slice(1)];
  if (!spec) throw new FormatError(`${name}: unsupported dtype ${descr}`);
  if (bytes.length < start + n * spec.bytes) throw new FormatError(`${name}: truncated: shape (${shape.join(", ")}) needs ${n * spec.bytes} data bytes`);
  const le = descr[0] !== ">";
  const out = descr.slice(1) === "f4" ? new Float32Array(n) : descr.slice(1) === "f8" ? new Float64Array(n) : new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = spec.get(view, start + i * spec.bytes, le);
  return { dtype: descr.slice(1), shape, data: out };
}

/** All arrays of an .npz archive by name (without the .npy suffix). */
export function readNpz(path: string): Record<string, NpyArray> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(requireNode("node:fs", "readNpz").readFileSync(path));
  } catch (e) {
    throw new (e instanceof Error && "code" in e && (e as NodeJS.ErrnoException).code === "ENOENT" ? DataError : FormatError)(
      `${path}: cannot read as .npz (${(e as Error).message})`,
    );
  }
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k.replace(/\.npy$/, ""), parseNpy(v, `${path}:${k}`)]));
}

/** A pickled object we cannot build in JS: the callable's name, its arguments, and BUILD's state. */
interface Reduced {
  call: string;
  args: unknown[];
  state?: unknown[];
}

/** Enough of the pickle machine for numpy object arrays: globals become names, calls become records. */
export function unpickle(bytes: Uint8Array, name = "pickle"): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo: unknown[] = [];
  const text = (at: number, len: number) => new TextDecoder().decode(bytes.subarray(at, at + len));
  const popMark = () => stack.splice(marks.pop()!);
  let i = 0;
  const line = () => {
    const end = bytes.indexOf(0x0a, i);
    const s = text(i, end - i);
    i = end + 1;
    return s;
  };
  while (i < bytes.length) {
    const op = bytes[i++]!;
    switch (op) {
      case 0x80: i++; break; // PROTO
      case 0x95: i += 8; break; // FRAME
      case 0x63: stack.push(`${line()} ${line()}`); break; // GLOBAL
      case 0x93: { const n2 = stack.pop(); const m = stack.pop(); stack.push(`${m} ${n2}`); break; } // STACK_GLOBAL
      case 0x71: memo[bytes[i++]!] = stack[stack.length - 1]; break; // BINPUT
      case 0x72: memo[view.getUint32(i, true)] = stack[stack.length - 1]; i += 4; break; // LONG_BINPUT
      case 0x94: memo.push(stack[stack.length - 1]); break; // MEMOIZE
      case 0x68: stack.push(memo[bytes[i++]!]); break; // BINGET
      case 0x6a: stack.push(memo[view.getUint32(i, true)]); i += 4; break; // LONG_BINGET
      case 0x4b: stack.push(bytes[i++]!); break; // BININT1
      case 0x4d: stack.push(view.getUint16(i, true)); i += 2; break; // BININT2
      case 0x4a: stack.push(view.getInt32(i, true)); i += 4; break; // BININT
      case 0x8a: { const n = bytes[i++]!; let v = 0n; for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[i + k]!); if (n && bytes[i + n - 1]! & 0x80) v -= 1n << BigInt(8 * n); stack.push(Number(v)); i += n; break; } // LONG1
      case 0x47: stack.push(view.getFloat64(i, false)); i += 8; break; // BINFLOAT
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x43: { const n = bytes[i++]!; stack.push(bytes.slice(i, i + n)); i += n; break; } // SHORT_BINBYTES
      case 0x42: { const n = view.getUint32(i, true); i += 4; stack.push(bytes.slice(i, i + n)); i += n; break; } // BINBYTES
      case 0x8c: { const n = bytes[i++]!; stack.push(text(i, n)); i += n; break; } // SHORT_BINUNICODE
      case 0x58: { const n = view.getUint32(i, true); i += 4; stack.push(text(i, n)); i += n; break; } // BINUNICODE
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x85: stack.push([stack.pop()]); break; // TUPLE1
      case 0x86: stack.push(stack.splice(-2)); break; // TUPLE2
      case 0x87: stack.push(stack.splice(-3)); break; // TUPLE3
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const v = stack.pop(); (stack[stack.length - 1] as unknown[]).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); (stack[stack.length - 1] as unknown[]).push(...items); break; } // APPENDS
      case 0x52: { const args = stack.pop() as unknown[]; const call = stack.pop() as string; stack.push({ call, args } satisfies Reduced); break; } // REDUCE
      case 0x81: { const args = stack.pop() as unknown[]; const call = stack.pop() as string; stack.push({ call, args } satisfies Reduced); break; } // NEWOBJ
      case 0x62: { const state = stack.pop() as unknown[]; (stack[stack.length - 1] as Reduced).state = state; break; } // BUILD
      case 0x2e: return stack.pop(); // STOP
      default:
        throw new FormatError(`${name}: unsupported pickle opcode 0x${op.toString(16)} at byte ${i - 1}`);
    }
  }
  throw new FormatError(`${name}: pickle ended without STOP (truncated?)`);
}
