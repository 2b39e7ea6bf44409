/**
 * Byte-level mutations of a seed file, as fast-check arbitraries (so a finding shrinks to the
 * fewest, smallest edits): bit flips, byte and integer overwrites with edge values (−1, ±2³¹,
 * 2⁶⁴−1 …), truncation, deletion, insertion, and ASCII tokens that stress text headers.
 */
import fc from "fast-check";

export type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "byte"; at: number; value: number }
  | { kind: "int32"; at: number; value: number; littleEndian: boolean }
  | { kind: "uint64"; at: number; value: bigint }
  | { kind: "truncate"; at: number }
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "ascii"; at: number; text: string };

const EDGE_INT32 = [-1, -2, -2147483648, 2147483647, 0, 1, 255, 65536, 1e9];
const EDGE_UINT64 = [0n, 1n << 40n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n];
const TOKENS = ["-1", "1e309", '"', "{", "}", "[]", "null", "true", "123", "__proto__", "constructor", "\n", ",", "NaN", "Infinity", "0x1F", "9999999999", "\u00ff", "\ud800"];

// Half the positions in the first 64 bytes (headers), half anywhere (data); a position wraps into
// the file's length.
const at = fc.oneof(fc.nat({ max: 63 }), fc.noBias(fc.nat({ max: 1 << 20 })));

// Size-preserving edits weigh more, so that cases get past the length checks into the data.
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("flip" as const), at, bit: fc.nat(7) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("byte" as const), at, value: fc.oneof(fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x0a), fc.nat(255)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("int32" as const), at, value: fc.constantFrom(...EDGE_INT32), littleEndian: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("uint64" as const), at, value: fc.constantFrom(...EDGE_UINT64) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), at, length: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("insert" as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("ascii" as const), at, text: fc.constantFrom(...TOKENS) }) },
);

/** The bytes after one mutation (positions wrap into the current length). */
export function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  const pos = n === 0 ? 0 : m.at % n;
  const out = new Uint8Array(bytes); // a copy (Buffer.slice would share the seed's memory)
  const view = new DataView(out.buffer);
  switch (m.kind) {
    case "flip":
      if (n) out[pos] = out[pos]! ^ (1 << m.bit);
      return out;
    case "byte":
      if (n) out[pos] = m.value;
      return out;
    case "int32":
      if (pos + 4 <= n) view.setInt32(pos, m.value, m.littleEndian);
      return out;
    case "uint64":
      if (pos + 8 <= n) view.setBigUint64(pos, m.value, true);
      return out;
    case "truncate":
      return out.subarray(0, pos);
    case "delete":
      return new Uint8Array([...out.subarray(0, pos), ...out.subarray(pos + m.length)]);
    case "insert":
      return new Uint8Array([...out.subarray(0, pos), ...m.bytes, ...out.subarray(pos)]);
    case "ascii": {
      const text = new TextEncoder().encode(m.text);
      return new Uint8Array([...out.subarray(0, pos), ...text, ...out.subarray(pos + text.length)]);
    }
  }
}

/** A readable description of a case, for reports. */
export function describe(seed: string, mutations: Mutation[]): string {
  return `${seed} with ${JSON.stringify(mutations, (_, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v))}`;
}
