/** torchtext's "basic_english" tokenizer: lowercase, split off punctuation, split on whitespace. */

// The same patterns and replacements, in the same order, as torchtext's _basic_english_normalize.
const RULES: [RegExp, string][] = [
  [/'/g, " '  "],
  [/"/g, ""],
  [/\./g, " . "],
  [/<br \/>/g, " "],
  [/,/g, " , "],
  [/\(/g, " ( "],
  [/\)/g, " ) "],
  [/!/g, " ! "],
  [/\?/g, " ? "],
  [/;/g, " "],
  [/:/g, " "],
  [/\s+/g, " "],
];

export function basicEnglishTokenizer(line: string): string[] {
  let s = line.toLowerCase();
  for (const [pattern, replacement] of RULES) s = s.replace(pattern, replacement);
  return s.split(" ").filter((t) => t.length > 0);
}
