#!/usr/bin/env python3
"""Writes test/fixtures/tokenizer/: a byte-level BPE trained by Hugging Face `tokenizers` on the
first 100,000 characters of the Shakespeare text, saved as its tokenizer.json and as GPT-2's
vocab.json + merges.txt, and expected.json with
  - the ids `tokenizers` gives held-out text (the text's last 4,000 characters and a Unicode sample)
    under that tokenizer, under the same model with add_prefix_space, and under Llama 3's
    Split-then-ByteLevel pre-tokenizer with ignore_merges (a tokenizer.json of that shape is written too);
  - the merges of a plain reference trainer written here (count every adjacent pair, merge the most
    frequent, ties to the pair of smallest ids), which tensorgrad's trainer must reproduce, and
    whether `tokenizers`' own trainer agreed with it.

  python3 -m venv .venv && .venv/bin/pip install tokenizers regex
  .venv/bin/python tools/make_tokenizer_fixtures.py [SHAKESPEARE_TXT]
test/data/bpe.test.ts reads them (and the same Shakespeare file, for training).
"""
import json, os, sys
import regex
from tokenizers import ByteLevelBPETokenizer, Tokenizer, Regex, models, pre_tokenizers, decoders

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "tokenizer")
TEXT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "datasets", "tinyshakespeare", "input.txt")
TRAIN_CHARS = 100_000
VOCAB_SIZE = 600
MIN_FREQUENCY = 2
SPECIALS = ["<|endoftext|>"]
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
LLAMA3_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
UNICODE_SAMPLE = (
    "Ünïcödé: naïve café, Straße, 東京は雨です。 Привет, мир! 🙂👍🏽 family: 👨‍👩‍👧 "
    "e\u0301 (combining)\tTAB\r\nCRLF  two  spaces   THREE'S I'LL we've 12345 3.14159 "
    "<|endoftext|>after the special\u00a0nbsp\u2028line-sep \x00\x01 control\n\n"
)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def reference_train(text):
    """Plain byte-level BPE training: recount every adjacent pair after each merge."""
    b2u = bytes_to_unicode()
    tokens = list(SPECIALS) + sorted(b2u.values())
    ids = {t: i for i, t in enumerate(tokens)}
    words = {}
    for w in regex.findall(GPT2_PATTERN, text):
        sym = tuple(ids[b2u[b]] for b in w.encode("utf-8"))
        words[sym] = words.get(sym, 0) + 1
    words = [[list(w), n] for w, n in words.items()]
    merges = []
    while len(tokens) < VOCAB_SIZE:
        counts = {}
        for w, n in words:
            for pair in zip(w, w[1:]):
                counts[pair] = counts.get(pair, 0) + n
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        if counts[best] < MIN_FREQUENCY:
            break
        a, b = best
        merges.append([tokens[a], tokens[b]])
        new = tokens[a] + tokens[b]
        if new not in ids:
            ids[new] = len(tokens)
            tokens.append(new)
        m = ids[new]
        for entry in words:
            w, out, i = entry[0], [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(m)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            entry[0] = out
    return merges


def main():
    corpus = open(TEXT, encoding="utf-8").read()
    train = corpus[:TRAIN_CHARS]
    heldout = [corpus[-4000:], UNICODE_SAMPLE, " leading space", "", "<|endoftext|>", "a<|endoftext|>b<|endoftext|>"]
    os.makedirs(OUT, exist_ok=True)

    hf = ByteLevelBPETokenizer()
    hf.train_from_iterator([train], vocab_size=VOCAB_SIZE, min_frequency=MIN_FREQUENCY, special_tokens=SPECIALS, show_progress=False)
    hf.save(os.path.join(OUT, "tokenizer.json"))
    hf.save_model(OUT)
    trained = json.load(open(os.path.join(OUT, "tokenizer.json")))
    hf_merges = [m.split(" ") if isinstance(m, str) else m for m in trained["model"]["merges"]]

    vocab = trained["model"]["vocab"]
    merges = [tuple(m) for m in hf_merges]

    prefixed = Tokenizer(models.BPE(vocab, merges))
    prefixed.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    prefixed.decoder = decoders.ByteLevel()
    prefixed.add_special_tokens(SPECIALS)

    llama = Tokenizer(models.BPE(vocab, merges, ignore_merges=True))
    llama.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    llama.decoder = decoders.ByteLevel()
    llama.add_special_tokens(SPECIALS)
    llama.save(os.path.join(OUT, "tokenizer-split.json"))

    reference = reference_train(train)
    expected = {
        "trainChars": TRAIN_CHARS, "vocabSize": VOCAB_SIZE, "minFrequency": MIN_FREQUENCY, "specialTokens": SPECIALS,
        "referenceMerges": reference,
        "tokenizersTrainerAgrees": reference == hf_merges,
        "heldout": heldout,
        "ids": [hf.encode(t).ids for t in heldout],
        "prefixSpaceIds": [prefixed.encode(t).ids for t in heldout],
        "splitIds": [llama.encode(t).ids for t in heldout],
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, ensure_ascii=False)
    print(f"wrote {OUT}: {len(vocab)} tokens, {len(hf_merges)} merges; tokenizers' trainer agrees with the reference: {expected['tokenizersTrainerAgrees']}")


main()
