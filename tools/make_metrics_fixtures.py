#!/usr/bin/env python3
"""Writes test/fixtures/bleu.json: sacreBLEU's corpus_bleu and sentence_bleu (its defaults and its
options: lowercase, tokenize="none", each smoothing, effective order, several references) on
translation-like sentences with punctuation, numbers, dashes and HTML entities — score, n-gram
counts and totals, precisions, brevity penalty and lengths.

  python3 -m venv .venv && .venv/bin/pip install sacrebleu
  .venv/bin/python tools/make_metrics_fixtures.py
test/metrics/bleu.test.ts reads it.
"""
import json, os
import sacrebleu
from sacrebleu.metrics import BLEU

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "bleu.json")
HYPS = [
    "The cat sat on the mat.",
    "It is 3.14, roughly -- said the man in 2021-03-03!",
    "He didn't go to the market (yesterday); she did & so did we.",
    "the quick brown fox",
    "An apple a day keeps the doctor away",
    "Exact match here.",
    "x",
]
REFS_A = [
    "The cat is on the mat.",
    "It is 3.14 , roughly - said the man on 2021-03-03 !",
    "He did not go to the market yesterday; she did &amp; so did we.",
    "The quick brown fox jumps over the lazy dog",
    "An apple a day keeps doctors away",
    "Exact match here.",
    "y z",
]
REFS_B = [
    "There is a cat on the mat.",
    "It's about 3.14, said the man on 3 March 2021.",
    "Yesterday he did not go to the market, but she and we did.",
    "A quick brown fox",
    "One apple each day keeps the doctor away",
    "Exactly matched here.",
    "x",
]


def stats(s):
    return {"score": s.score, "counts": list(s.counts), "totals": list(s.totals), "precisions": list(s.precisions), "bp": s.bp, "sysLen": s.sys_len, "refLen": s.ref_len}


cases = []
for name, kwargs in [("default", {}), ("lowercase", {"lowercase": True}), ("tokenize none", {"tokenize": "none"}),
                     ("smooth none", {"smooth_method": "none"}), ("smooth floor", {"smooth_method": "floor", "smooth_value": 0.1}),
                     ("smooth add-k", {"smooth_method": "add-k", "smooth_value": 1}), ("effective order", {"effective_order": True})]:
    for refs_name, refs in [("one reference", [REFS_A]), ("two references", [REFS_A, REFS_B])]:
        cases.append({"name": f"{name}, {refs_name}", "options": kwargs, "hypotheses": HYPS, "references": refs, "expected": stats(BLEU(**kwargs).corpus_score(HYPS, refs))})
    cases.append({"name": f"{name}, subset", "options": kwargs, "hypotheses": HYPS[3:5], "references": [REFS_A[3:5]], "expected": stats(BLEU(**kwargs).corpus_score(HYPS[3:5], [REFS_A[3:5]]))})
sentences = [{"hypothesis": h, "references": [a, b], "expected": stats(sacrebleu.sentence_bleu(h, [a, b]))} for h, a, b in zip(HYPS, REFS_A, REFS_B)]
tokenized = [{"line": line, "tokens": sacrebleu.tokenizers.tokenizer_13a.Tokenizer13a()(line)} for line in HYPS + REFS_A + REFS_B]
with open(OUT, "w") as f:
    json.dump({"version": sacrebleu.__version__, "corpus": cases, "sentence": sentences, "tokenize13a": tokenized}, f)
print(f"wrote {OUT}: {len(cases)} corpus cases, {len(sentences)} sentences (sacreBLEU {sacrebleu.__version__})")
