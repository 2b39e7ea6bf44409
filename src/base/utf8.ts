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
  // The longest prefix that decodes (possibly ending inside a sequence), by bisection.
  const decodes = (n: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (decodes(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
