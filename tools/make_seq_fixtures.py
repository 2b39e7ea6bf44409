#!/usr/bin/env python3
"""Writes test/fixtures/seq.json: PyTorch's outputs and gradients for the recurrent layers, cells,
attention and Transformer layers (dropout 0, so training mode is deterministic).

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_seq_fixtures.py
Each case: a module (its state dict in PyTorch's names), inputs, and a forward function whose
outputs are flattened and concatenated into one vector; then the gradient of sum(u * vector) for
every float input and parameter. test/nn/sequence-parity.test.ts mirrors the case names.
"""
import json
import math
import os
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)
r = torch.randn


def flat(*ts):
    return torch.cat([t.reshape(-1) for t in ts])


def lstm_out(m, *xs):
    out, (h, c) = m(*xs) if len(xs) == 1 else m(xs[0], (xs[1], xs[2]))
    return flat(out, h, c)


def rnn_out(m, *xs):
    out, h = m(*xs)
    return flat(out, h)


def packed(lengths, enforce_sorted=True):
    def run(m, x):
        p = pack_padded_sequence(x, torch.tensor(lengths), batch_first=m.batch_first, enforce_sorted=enforce_sorted)
        out, state = m(p)
        padded, _ = pad_packed_sequence(out, batch_first=m.batch_first, total_length=x.shape[1 if m.batch_first else 0])
        return flat(padded, *(state if isinstance(state, tuple) else (state,)))
    return run


def causal_bool(n):
    return torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)  # True = blocked


def mha(**fwd):
    def run(m, q, k, v):
        out, w = m(q, k, v, **fwd)
        return flat(out, w) if w is not None else flat(out)
    return run


KPM = torch.tensor([[False, False, False, False, False], [False, False, False, True, True]])
CASES = {
    "lstm_2layer_bidirectional_batch_first": (lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True), [r(2, 5, 3), r(4, 2, 4), r(4, 2, 4)], lstm_out),
    "lstm_unbatched": (lambda: nn.LSTM(3, 4), [r(5, 3)], lstm_out),
    "gru_2layer_bidirectional": (lambda: nn.GRU(3, 4, num_layers=2, bidirectional=True), [r(5, 2, 3)], rnn_out),
    "rnn_relu_nobias_h0": (lambda: nn.RNN(3, 4, num_layers=2, nonlinearity="relu", bias=False), [r(5, 2, 3), r(2, 2, 4)], rnn_out),
    "rnn_tanh": (lambda: nn.RNN(3, 4), [r(6, 2, 3)], rnn_out),
    "lstm_packed_bidirectional": (lambda: nn.LSTM(3, 4, bidirectional=True, batch_first=True), [r(3, 5, 3)], packed([5, 3, 2])),
    "gru_packed_unsorted": (lambda: nn.GRU(3, 4, num_layers=2, batch_first=True), [r(3, 5, 3)], packed([2, 5, 3], enforce_sorted=False)),
    "rnn_cell": (lambda: nn.RNNCell(3, 4), [r(2, 3), r(2, 4)], lambda m, x, h: m(x, h)),
    "lstm_cell": (lambda: nn.LSTMCell(3, 4), [r(2, 3), r(2, 4), r(2, 4)], lambda m, x, h, c: flat(*m(x, (h, c)))),
    "gru_cell": (lambda: nn.GRUCell(3, 4), [r(2, 3), r(2, 4)], lambda m, x, h: m(x, h)),
    "mha_cross": (lambda: nn.MultiheadAttention(8, 2), [r(4, 2, 8), r(6, 2, 8), r(6, 2, 8)], mha()),
    "mha_batch_first_causal_padding": (lambda: nn.MultiheadAttention(8, 2, batch_first=True), [r(2, 5, 8)],
                                       lambda m, x: flat(*m(x, x, x, attn_mask=causal_bool(5), key_padding_mask=KPM, average_attn_weights=False))),
    "mha_kdim_vdim_float_mask": (lambda: nn.MultiheadAttention(8, 4, kdim=6, vdim=5, batch_first=True), [r(2, 3, 8), r(2, 4, 6), r(2, 4, 5)],
                                 lambda m, q, k, v: flat(*m(q, k, v, attn_mask=torch.tensor([[0.0, -1.0, 0.5, 0.0]]).expand(3, 4)))),
    "mha_bias_kv_zero_attn_padding": (lambda: nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True, batch_first=True), [r(2, 3, 8), r(2, 5, 8), r(2, 5, 8)],
                                      lambda m, q, k, v: flat(*m(q, k, v, key_padding_mask=KPM, attn_mask=causal_bool(5)[:3], average_attn_weights=False))),
    "encoder_layer_post_norm": (lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), [r(5, 2, 8)],
                                lambda m, x: m(x, src_key_padding_mask=KPM)),
    "encoder_layer_pre_norm_gelu": (lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation="gelu", batch_first=True, norm_first=True), [r(2, 5, 8)],
                                    lambda m, x: m(x, src_mask=nn.Transformer.generate_square_subsequent_mask(5))),
    "decoder_layer_post_norm": (lambda: nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0), [r(4, 2, 8), r(5, 2, 8)],
                                lambda m, t, mem: m(t, mem, tgt_mask=nn.Transformer.generate_square_subsequent_mask(4), memory_key_padding_mask=KPM)),
    "decoder_layer_pre_norm": (lambda: nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True, norm_first=True), [r(2, 4, 8), r(2, 5, 8)],
                               lambda m, t, mem: m(t, mem)),
    "encoder_stack_with_norm": (lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 2, norm=nn.LayerNorm(8)), [r(5, 2, 8)],
                                lambda m, x: m(x)),
    "transformer_small": (lambda: nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=16, dropout=0.0, batch_first=True), [r(2, 5, 8), r(2, 4, 8)],
                          lambda m, s, t: m(s, t, tgt_mask=nn.Transformer.generate_square_subsequent_mask(4))),
}


def encode(t):
    data = t.detach().reshape(-1).tolist()
    data = [None if isinstance(v, float) and not math.isfinite(v) else v for v in data]
    return {"shape": list(t.shape), "dtype": "float32", "data": data}


def run(make, inputs, fn):
    inputs = [x for x in inputs if x is not None]
    m = make()
    state = {k: encode(v) for k, v in m.state_dict().items()}
    xs = [x.clone().requires_grad_() for x in inputs]
    y = fn(m, *xs)
    u = torch.randn(y.shape)
    (y * u).sum().backward()
    return {
        "state": state,
        "inputs": [encode(x) for x in inputs],
        "output": encode(y),
        "u": encode(u),
        "inputGrads": [encode(x.grad) if x.grad is not None else None for x in xs],
        "paramGrads": {k: encode(p.grad) for k, p in m.named_parameters() if p.grad is not None},
    }


def main():
    out = {"generator": "tools/make_seq_fixtures.py", "torch": torch.__version__,
           "cases": {name: run(*spec) for name, spec in CASES.items()}}
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "seq.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote {len(out['cases'])} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
