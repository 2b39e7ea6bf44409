/**
 * BLEU as sacreBLEU computes it (corpus_bleu / sentence_bleu with their defaults): mteval-v13a
 * tokenisation, clipped n-gram matches up to 4-grams summed over the corpus, the closest reference
 * length for the brevity penalty, and the NIST "exp" smoothing of zero-match orders. Scores are on
 * sacreBLEU's 0–100 scale.
 */
import { ValueError } from "../base/errors.js";

export type SmoothMethod = "exp" | "none" | "floor" | "add-k";

export interface BleuOptions {
  /** "13a" (sacreBLEU's default, mteval-v13a) or "none" (split on whitespace only). */
  tokenize?: "13a" | "none";
  lowercase?: boolean;
  smoothMethod?: SmoothMethod;
  /** For "floor" (default 0.1) and "add-k" (default 1). */
  smoothValue?: number;
  /** Leave out n-gram orders with no n-grams in the hypotheses (sentence-level BLEU). */
  effectiveOrder?: boolean;
  maxNgramOrder?: number;
}

export interface BleuScore {
  score: number;
  /** Matched n-grams per order, clipped by the references' counts. */
  counts: number[];
  totals: number[];
  /** Per-order precisions in percent (after smoothing). */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
}

// mteval-v13a's rules, in order (sacreBLEU's TokenizerRegexp).
const RULES: [RegExp, string][] = [
  [new RegExp("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])", "g"), " $1 "],
  [/([^0-9])([.,])/g, "$1 $2 "],
  [/([.,])([^0-9])/g, " $1 $2"],
  [/([0-9])(-)/g, "$1 $2 "],
];

/** sacreBLEU's 13a tokenisation of one segment. */
export function tokenize13a(line: string): string {
  line = line.replaceAll("<skipped>", "").replaceAll("-\n", "").replaceAll("\n", " ");
  if (line.includes("&")) line = line.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  line = ` ${line} `;
  for (const [re, rep] of RULES) line = line.replace(re, rep);
  return line.split(/\s+/).filter(Boolean).join(" ");
}

function ngrams(tokens: string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // The order leads the key, so n-grams of different orders never collide.
      const key = `${n}\u0000${tokens.slice(i, i + n).join("\u0000")}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** sacreBLEU's closest reference length: the nearest, the shorter of two equally near. */
function closestRefLen(hypLen: number, refLens: number[]): number {
  let best = -1;
  let bestDiff = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff || (diff === bestDiff && len < best)) {
      bestDiff = diff;
      best = len;
    }
  }
  return best;
}

/**
 * Corpus BLEU of `hypotheses` against `references`: reference streams as sacreBLEU takes them
 * (`references[k][i]` is the k-th reference of hypothesis i), or one string per hypothesis.
 */
export function bleuScore(hypotheses: readonly string[], references: readonly (readonly string[])[] | readonly string[], opts: BleuOptions = {}): BleuScore {
  const { tokenize = "13a", lowercase = false, smoothMethod = "exp", effectiveOrder = false, maxNgramOrder = 4 } = opts;
  const smoothValue = opts.smoothValue ?? (smoothMethod === "floor" ? 0.1 : 1);
  const streams = references.length > 0 && typeof references[0] === "string" ? [references as readonly string[]] : (references as readonly (readonly string[])[]);
  streams.forEach((s, k) => {
    if (s.length !== hypotheses.length) throw new ValueError(`bleuScore: reference stream ${k} has ${s.length} segments for ${hypotheses.length} hypotheses`);
  });
  if (streams.length === 0) throw new ValueError("bleuScore: give at least one reference per hypothesis");
  const prep = (s: string) => {
    const t = (lowercase ? s.toLowerCase() : s).trimEnd();
    return (tokenize === "13a" ? tokenize13a(t) : t).split(/\s+/).filter(Boolean);
  };
  const counts = new Array<number>(maxNgramOrder).fill(0);
  const totals = new Array<number>(maxNgramOrder).fill(0);
  let sysLen = 0;
  let refLen = 0;
  hypotheses.forEach((hyp, i) => {
    const refNgrams = new Map<string, number>();
    const refLens: number[] = [];
    for (const stream of streams) {
      const tokens = prep(stream[i]!);
      refLens.push(tokens.length);
      for (const [g, c] of ngrams(tokens, maxNgramOrder)) refNgrams.set(g, Math.max(refNgrams.get(g) ?? 0, c));
    }
    const tokens = prep(hyp);
    sysLen += tokens.length;
    refLen += closestRefLen(tokens.length, refLens);
    for (const [g, c] of ngrams(tokens, maxNgramOrder)) {
      const n = Number(g.slice(0, g.indexOf("\u0000"))) - 1;
      totals[n]! += c;
      counts[n]! += Math.min(c, refNgrams.get(g) ?? 0);
    }
  });
  return computeBleu(counts, totals, sysLen, refLen, smoothMethod, smoothValue, effectiveOrder, maxNgramOrder);
}

/** Sentence BLEU, sacreBLEU's sentence_bleu: effective order on by default. */
export function sentenceBleu(hypothesis: string, references: readonly string[], opts: BleuOptions = {}): BleuScore {
  return bleuScore([hypothesis], references.map((r) => [r]), { effectiveOrder: true, ...opts });
}

function computeBleu(counts: number[], totals: number[], sysLen: number, refLen: number, smooth: SmoothMethod, smoothValue: number, effectiveOrder: boolean, maxOrder: number): BleuScore {
  const correct = [...counts];
  const total = [...totals];
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number) => ({ score, counts: correct, totals: total, precisions, bp, sysLen, refLen });
  if (!correct.some((c) => c > 0)) return result(0);
  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (smooth === "add-k" && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (smooth === "exp") {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]!);
      } else if (smooth === "floor") precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
    } else precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
  }
  // sacreBLEU's my_log: log 0 is −9,999,999,999, so a zero precision drives the score to 0.
  const logSum = precisions.slice(0, effOrder).reduce((s, p) => s + (p === 0 ? -9999999999 : Math.log(p)), 0);
  return result(bp * Math.exp(logSum / effOrder));
}
