#!/usr/bin/env python3
"""Writes test/fixtures/seq2seq.json: tg.text.Seq2SeqRNN's architecture written in PyTorch 2.13
(float64) — Bahdanau attention as PyTorch's seq2seq tutorial writes it (Wa, Ua, Va), Luong's
"dot" and "general" scores with input feeding, and no attention — each with a GRU and with an
LSTM, on a padded batch: teacher-forced logits, the cross-entropy (padding ignored), and every
parameter's gradient, plus the attention weights of a greedy decode.

  python3 -m venv .venv && .venv/bin/pip install torch==2.13.0+cpu
  .venv/bin/python tools/make_seq2seq_fixtures.py
test/text/seq2seq.test.ts reads it.
"""
import json, os
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "seq2seq.json")
torch.set_default_dtype(torch.float64)


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


class Bahdanau(nn.Module):
    def __init__(self, H):
        super().__init__()
        self.Wa, self.Ua, self.Va = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, 1)

    def forward(self, query, keys, pad):
        scores = self.Va(torch.tanh(self.Wa(query).unsqueeze(1) + self.Ua(keys))).squeeze(2)
        w = F.softmax(scores.masked_fill(pad, float("-inf")), dim=-1)
        return torch.bmm(w.unsqueeze(1), keys).squeeze(1), w


class Luong(nn.Module):
    def __init__(self, H, method):
        super().__init__()
        self.Wa = nn.Linear(H, H, bias=False) if method == "general" else None

    def forward(self, query, keys, pad):
        q = self.Wa(query) if self.Wa is not None else query
        scores = torch.bmm(keys, q.unsqueeze(2)).squeeze(2)
        w = F.softmax(scores.masked_fill(pad, float("-inf")), dim=-1)
        return torch.bmm(w.unsqueeze(1), keys).squeeze(1), w


class Seq2Seq(nn.Module):
    def __init__(self, V, H, cell, attention, pad=0):
        super().__init__()
        self.cell, self.kind, self.pad, self.H = cell, attention, pad, H
        self.src_embedding = nn.Embedding(V, H, padding_idx=pad)
        self.encoder = (nn.LSTM if cell == "lstm" else nn.GRU)(H, H, batch_first=True)
        self.tgt_embedding = nn.Embedding(V, H, padding_idx=pad)
        inp = H if attention == "none" else 2 * H
        self.decoder = (nn.LSTMCell if cell == "lstm" else nn.GRUCell)(inp, H)
        luong = attention.startswith("luong")
        self.attention = Bahdanau(H) if attention == "bahdanau" else Luong(H, attention.split("-")[1]) if luong else None
        self.combine = nn.Linear(2 * H, H, bias=False) if luong else None
        self.out = nn.Linear(2 * H if attention == "bahdanau" else H, V)

    def encode(self, src):
        pad = src.eq(self.pad)
        outputs, last = self.encoder(self.src_embedding(src))
        h, c = (last[0][0], last[1][0]) if self.cell == "lstm" else (last[0], None)
        feed = torch.zeros(src.shape[0], self.H) if self.combine is not None else None
        return outputs, pad, (h, c, feed)

    def step(self, prev, state, outputs, pad):
        h, c, feed = state
        emb = self.tgt_embedding(prev)
        cell = lambda x: self.decoder(x, (h, c)) if self.cell == "lstm" else (self.decoder(x, h), None)
        if self.kind == "none":
            h2, c2 = cell(emb)
            return self.out(h2), (h2, c2, None), None
        if self.kind == "bahdanau":
            ctx, w = self.attention(h, outputs, pad)
            h2, c2 = cell(torch.cat([emb, ctx], 1))
            return self.out(torch.cat([h2, ctx], 1)), (h2, c2, None), w
        h2, c2 = cell(torch.cat([emb, feed], 1))
        ctx, w = self.attention(h2, outputs, pad)
        feed2 = torch.tanh(self.combine(torch.cat([ctx, h2], 1)))
        return self.out(feed2), (h2, c2, feed2), w

    def forward(self, src, tgt_in):
        outputs, pad, state = self.encode(src)
        logits = []
        for t in range(tgt_in.shape[1]):
            l, state, _ = self.step(tgt_in[:, t], state, outputs, pad)
            logits.append(l)
        return torch.stack(logits, 1)


def main():
    torch.manual_seed(0)
    V, H = 9, 6
    src = torch.tensor([[3, 4, 5, 6, 7], [8, 3, 4, 0, 0], [5, 0, 0, 0, 0]])  # padded at the end (0)
    tgt_in = torch.tensor([[1, 3, 4, 5], [1, 6, 7, 0], [1, 8, 0, 0]])
    tgt_out = torch.tensor([[3, 4, 5, 2], [6, 7, 2, 0], [8, 2, 0, 0]])
    cases = []
    for cell in ("gru", "lstm"):
        for attention in ("bahdanau", "luong-general", "luong-dot", "none"):
            model = Seq2Seq(V, H, cell, attention)
            with torch.no_grad():
                for p in model.parameters():
                    p.add_(torch.randn_like(p) * 0.2)
            logits = model(src, tgt_in)
            loss = F.cross_entropy(logits.reshape(-1, V), tgt_out.reshape(-1), ignore_index=0)
            loss.backward()
            # A greedy decode of three steps from BOS (1), with its attention weights.
            with torch.no_grad():
                outputs, pad, state = model.encode(src)
                prev, steps = torch.full((3,), 1), []
                for _ in range(3):
                    l, state, w = model.step(prev, state, outputs, pad)
                    prev = l.argmax(1)
                    steps.append({"tokens": prev.tolist(), "weights": enc(w) if w is not None else None})
            cases.append({"cell": cell, "attention": attention, "state": {k: enc(v) for k, v in model.state_dict().items()},
                          "logits": enc(logits), "loss": loss.item(), "grads": {k: enc(p.grad) for k, p in model.named_parameters()}, "greedy": steps})
    with open(OUT, "w") as f:
        json.dump({"vocab": V, "hidden": H, "src": src.tolist(), "tgtIn": tgt_in.tolist(), "tgtOut": tgt_out.tolist(), "cases": cases}, f)
    print(f"wrote {OUT}: {len(cases)} models")


main()
