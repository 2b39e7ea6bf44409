/** Strict UTF-8 decoding for loaders: a damaged byte is a FormatError naming the file and offset. */
import { FormatError } from "./errors.js";

/** The text of `bytes`, which must be valid UTF-8 (a leading byte-order mark is dropped). */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(`${name}: not valid UTF-8 text (first bad byte at offset ${firstInvalid(bytes)})`);
  }
}

/** Offset of the first byte that does not continue a valid UTF-8 sequence. */
export function firstInvalid(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, by bisection (a prefix may end mid-sequence: allow 3 bytes of slack).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
    decoder.decode(); // reset
  }
  return lo;
}
