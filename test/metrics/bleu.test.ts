/** tg.metrics.bleuScore and sentenceBleu against sacreBLEU (tools/make_metrics_fixtures.py). */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { readFixture } from "../helpers.js";

interface Stats { score: number; counts: number[]; totals: number[]; precisions: number[]; bp: number; sysLen: number; refLen: number }
interface Fixture {
  version: string;
  corpus: { name: string; options: Record<string, unknown>; hypotheses: string[]; references: string[][]; expected: Stats }[];
  sentence: { hypothesis: string; references: string[]; expected: Stats }[];
  tokenize13a: { line: string; tokens: string }[];
}
const fx = readFixture<Fixture>("bleu.json");
const camel = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), v])) as tg.metrics.BleuOptions;

function same(got: tg.metrics.BleuScore, want: Stats, what: string): void {
  assert.ok(Math.abs(got.score - want.score) < 1e-9, `${what}: score ${got.score} vs ${want.score}`);
  assert.deepEqual(got.counts, want.counts, `${what}: counts`);
  assert.deepEqual(got.totals, want.totals, `${what}: totals`);
  got.precisions.forEach((p, i) => assert.ok(Math.abs(p - want.precisions[i]!) < 1e-9, `${what}: precision ${i + 1}`));
  assert.ok(Math.abs(got.bp - want.bp) < 1e-12, `${what}: bp`);
  assert.equal(got.sysLen, want.sysLen);
  assert.equal(got.refLen, want.refLen);
}

test("tokenize13a is sacreBLEU's mteval-v13a tokenisation", () => {
  for (const { line, tokens } of fx.tokenize13a) assert.equal(tg.metrics.tokenize13a(line), tokens, line);
});

test(`bleuScore gives sacreBLEU ${fx.version}'s corpus BLEU, with each option`, () => {
  for (const c of fx.corpus) same(tg.metrics.bleuScore(c.hypotheses, c.references, camel(c.options)), c.expected, c.name);
  // One string per hypothesis is the single-reference stream.
  const one = fx.corpus[0]!;
  same(tg.metrics.bleuScore(one.hypotheses, one.references[0]!), one.expected, "a plain reference list");
});

test("sentenceBleu gives sacreBLEU's sentence_bleu (effective order)", () => {
  for (const s of fx.sentence) same(tg.metrics.sentenceBleu(s.hypothesis, s.references), s.expected, s.hypothesis);
});

test("bleuScore: mismatched streams are a ValueError; perfect output scores 100", () => {
  assert.throws(() => tg.metrics.bleuScore(["a b"], [["a b", "c"]]), /reference stream 0 has 2 segments for 1 hypotheses/);
  assert.ok(Math.abs(tg.metrics.bleuScore(["the same four words here"], ["the same four words here"]).score - 100) < 1e-9);
});
