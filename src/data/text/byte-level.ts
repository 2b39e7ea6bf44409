/**
 * GPT-2's byte-level alphabet: every byte gets a printable character, so any UTF-8 text becomes a
 * string of 256 symbols that BPE can merge without an unknown token, and decoding is exact.
 */

/**
 * GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves; the other 68 (controls,
 * space, soft hyphen…) take the code points from 256 up, in byte order. Sorted by character, the
 * table is in byte order of the printable ones first, which is also GPT-2's id order for them.
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const table: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) table.push(String.fromCharCode(printable(b) ? b : next++));
  return table;
})();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** The 256 symbols sorted by code point: the order tokenizers give them ids. */
export const BYTE_ALPHABET: readonly string[] = [...BYTE_TO_CHAR].sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0));

/**
 * GPT-2's pre-tokenizer: contractions, runs of letters, of digits, of other symbols (each with one
 * leading space), and whitespace (a run before a word leaves its last space to the word).
 */
export const GPT2_SPLIT_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/** A piece of text as byte-level symbols (`" hello"` → `"Ġhello"`). */
export function toByteSymbols(text: string): string {
  const bytes = encoder.encode(text);
  let out = "";
  for (const b of bytes) out += BYTE_TO_CHAR[b]!;
  return out;
}

/**
 * Byte-level symbols back to text. A cut in the middle of a UTF-8 sequence (a sample stopped
 * mid-character) decodes to U+FFFD, as Hugging Face's decoder does. A character outside the
 * alphabet (an added token's text) stands for its own UTF-8 bytes.
 */
export function fromByteSymbols(symbols: string): string {
  const bytes: number[] = [];
  for (const c of symbols) {
    const b = CHAR_TO_BYTE.get(c);
    if (b !== undefined) bytes.push(b);
    else for (const e of encoder.encode(c)) bytes.push(e);
  }
  return decoder.decode(Uint8Array.from(bytes));
}
