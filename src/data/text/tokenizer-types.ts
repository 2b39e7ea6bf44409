/** What every tokenizer offers: text ↔ ids, and how many ids there are (an embedding's size). */
export interface Tokenizer {
  encode(text: string): number[];
  decode(ids: Iterable<number>): string;
  readonly vocabSize: number;
}
