/**
 * Decoding an encoder–decoder without teacher forcing: greedy (the most likely token each step, the
 * attention weights kept for pictures) and beam search (the `beamSize` best partial outputs by
 * summed log-probability; finished ones ranked by GNMT's length penalty ((5 + |y|)/6)^α, so
 * that short outputs are not favoured for being short).
 */
import { noGrad } from "../ops/grad-mode.js";
import { ValueError } from "../base/errors.js";
import { scope } from "../base/scope.js";
import type { Tensor } from "../ops/tensor.js";
import { full, tensor } from "../ops/creation.js";

/**
 * What decoding needs of an encoder–decoder: encode a source once, then step one token at a time.
 * Seq2SeqRNN and Seq2SeqTransformer implement it; E is the encoding, S the decoder's state.
 */
export interface StepDecoder<E, S> {
  readonly config: { tgtVocabSize: number };
  eval(): unknown;
  begin(src: Tensor): { enc: E; state: S };
  /** prev [B] token ids → logits [B, V], the next state, and attention over the source [B, S] (or null). */
  step(prev: Tensor, state: S, enc: E): { logits: Tensor; state: S; weights: Tensor | null };
  /** The states of the given rows (beams that survive a step). */
  selectRows(state: S, rows: Tensor): S;
  /** A one-row encoding repeated k times (one per beam). */
  repeat(enc: E, k: number): E;
}

export interface DecodeOptions {
  /** The most tokens to produce (EOS included). */
  maxLen: number;
  bos: number;
  eos: number;
}

export interface GreedyResult {
  /** Per source row: the tokens produced, up to and without EOS. */
  tokens: number[][];
  /** Per source row: per produced token, its attention over the source positions (empty without attention). */
  attention: number[][][];
}

function checkOptions({ maxLen, bos, eos }: DecodeOptions, vocab: number): void {
  if (!(Number.isInteger(maxLen) && maxLen >= 1)) throw new ValueError(`decode: maxLen must be a positive integer, got ${maxLen}`);
  for (const [name, id] of [["bos", bos], ["eos", eos]] as const) {
    if (!(Number.isInteger(id) && id >= 0 && id < vocab)) throw new ValueError(`decode: ${name} ${id} is outside the target vocabulary [0, ${vocab})`);
  }
}

export function greedyDecode<E, S>(model: StepDecoder<E, S>, src: Tensor, options: DecodeOptions): GreedyResult {
  checkOptions(options, model.config.tgtVocabSize);
  const { maxLen, bos, eos } = options;
  model.eval();
  return scope(() => noGrad(() => {
    const B = src.shape[0]!;
    const { enc, state: first } = model.begin(src);
    let state = first;
    let prev = full([B], bos, { dtype: "int32" });
    const tokens: number[][] = Array.from({ length: B }, () => []);
    const attention: number[][][] = Array.from({ length: B }, () => []);
    const done = new Array<boolean>(B).fill(false);
    for (let t = 0; t < maxLen && done.includes(false); t++) {
      const r = model.step(prev, state, enc);
      state = r.state;
      const next = Array.from(r.logits.argmax(1).dataSync(), Number);
      const weights = r.weights ? (r.weights.tolist() as number[][]) : null;
      next.forEach((id, b) => {
        if (done[b]) return;
        if (id === eos) done[b] = true;
        else {
          tokens[b]!.push(id);
          if (weights) attention[b]!.push(weights[b]!);
        }
      });
      prev = tensor(next, { dtype: "int32" });
    }
    return { tokens, attention };
  }));
}

export interface BeamOptions extends DecodeOptions {
  beamSize?: number;
  /** GNMT's α: 0 ranks by log-probability alone; 0.6–1 favours longer outputs more. */
  lengthPenalty?: number;
}

interface Beam {
  tokens: number[];
  logp: number;
  row: number;
}

/** Beam search for each source row; returns the best output of each (without BOS and EOS) and its score. */
export function beamSearch<E, S>(model: StepDecoder<E, S>, src: Tensor, options: BeamOptions): { tokens: number[][]; scores: number[] } {
  checkOptions(options, model.config.tgtVocabSize);
  const { maxLen, bos, eos, beamSize = 5, lengthPenalty = 0.6 } = options;
  if (!(Number.isInteger(beamSize) && beamSize >= 1)) throw new ValueError(`beamSearch: beamSize must be a positive integer, got ${beamSize}`);
  const penalty = (length: number) => ((5 + length) / 6) ** lengthPenalty;
  model.eval();
  const tokens: number[][] = [];
  const scores: number[] = [];
  for (let i = 0; i < src.shape[0]!; i++) {
    const best = scope(() => noGrad(() => {
      const { enc: enc1, state: first } = model.begin(src.narrow(0, i, 1));
      let beams: Beam[] = [{ tokens: [], logp: 0, row: 0 }];
      let state = first;
      const finished: { tokens: number[]; score: number }[] = [];
      for (let t = 0; t < maxLen && beams.length > 0 && finished.length < beamSize; t++) {
        const k = beams.length;
        const enc = model.repeat(enc1, k);
        const prev = tensor(beams.map((b) => b.tokens.at(-1) ?? bos), { dtype: "int32" });
        const r = model.step(prev, state, enc);
        const logp = r.logits.logSoftmax(-1).tolist() as number[][];
        const candidates: Beam[] = [];
        beams.forEach((b, row) => logp[row]!.forEach((lp, id) => candidates.push({ tokens: [...b.tokens, id], logp: b.logp + lp, row })));
        candidates.sort((x, y) => y.logp - x.logp);
        const next: Beam[] = [];
        for (const c of candidates) {
          if (next.length + finished.length >= beamSize) break;
          if (c.tokens.at(-1) === eos) finished.push({ tokens: c.tokens.slice(0, -1), score: c.logp / penalty(c.tokens.length) });
          else next.push(c);
        }
        const rows = tensor(next.map((c) => c.row), { dtype: "int32" });
        state = model.selectRows(r.state, rows);
        beams = next.map((c, row) => ({ ...c, row }));
      }
      // Out of steps: the unfinished beams compete as they are.
      for (const b of beams) finished.push({ tokens: b.tokens, score: b.logp / penalty(b.tokens.length) });
      return finished.reduce((a, b) => (b.score > a.score ? b : a));
    }));
    tokens.push(best.tokens);
    scores.push(best.score);
  }
  return { tokens, scores };
}
