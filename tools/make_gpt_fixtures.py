#!/usr/bin/env python3
"""Writes the GPT fixtures:
  - test/fixtures/gpt.json: nanoGPT's model (model.py's architecture, written out here on PyTorch
    2.13) in float64 — a Block's output and gradients for an upstream gradient, and a small GPT's
    logits, loss (with ignored targets) and every parameter's gradient, with and without biases;
  - test/fixtures/gpt2-tiny/: a tiny random GPT-2 from Hugging Face `transformers`
    (GPT2LMHeadModel.save_pretrained: config.json + model.safetensors, Conv1D weights and all), with
    expected.json holding its logits for a batch and its greedy continuation of a prompt.

  python3 -m venv .venv && .venv/bin/pip install torch==2.13.0+cpu transformers safetensors
  .venv/bin/python tools/make_gpt_fixtures.py
test/text/gpt-parity.test.ts reads them.
"""
import json, math, os
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "test", "fixtures")


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


# ---- nanoGPT's model.py, the parts that compute (dropout 0, so no flash/dropout branches) ----------
class LayerNorm(nn.Module):
    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_attn = nn.Linear(c["n_embd"], 3 * c["n_embd"], bias=c["bias"])
        self.c_proj = nn.Linear(c["n_embd"], c["n_embd"], bias=c["bias"])
        self.n_head, self.n_embd = c["n_head"], c["n_embd"]

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0, is_causal=True)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = nn.Linear(c["n_embd"], 4 * c["n_embd"], bias=c["bias"])
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * c["n_embd"], c["n_embd"], bias=c["bias"])

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1 = LayerNorm(c["n_embd"], bias=c["bias"])
        self.attn = CausalSelfAttention(c)
        self.ln_2 = LayerNorm(c["n_embd"], bias=c["bias"])
        self.mlp = MLP(c)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(c["vocab_size"], c["n_embd"]),
            wpe=nn.Embedding(c["block_size"], c["n_embd"]),
            h=nn.ModuleList([Block(c) for _ in range(c["n_layer"])]),
            ln_f=LayerNorm(c["n_embd"], bias=c["bias"]),
        ))
        self.lm_head = nn.Linear(c["n_embd"], c["vocab_size"], bias=False)
        self.transformer.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * c["n_layer"]))
        # Larger than nanoGPT's init, so that every gradient is well away from zero.
        with torch.no_grad():
            for p in self.parameters():
                p.add_(torch.randn_like(p) * 0.3)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        logits = self.lm_head(x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss


def nanogpt_cases():
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)
    out = {}
    c = dict(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=8, bias=True)
    block = Block(c)
    with torch.no_grad():
        for p in block.parameters():
            p.add_(torch.randn_like(p) * 0.3)
    x = torch.randn(2, 5, 8, requires_grad=True)
    y = block(x)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    out["block"] = {"config": c, "state": {k: enc(v) for k, v in block.state_dict().items()}, "x": enc(x), "y": enc(y), "upstream": enc(g),
                    "grads": {"x": enc(x.grad), **{k: enc(p.grad) for k, p in block.named_parameters()}}}
    for name, bias in (("gpt", True), ("gptNoBias", False)):
        c = dict(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=8, bias=bias)
        model = GPT(c)
        idx = torch.randint(0, 11, (2, 7))
        targets = torch.randint(0, 11, (2, 7))
        targets[0, 2] = -1
        targets[1, 6] = -1
        logits, loss = model(idx, targets)
        loss.backward()
        out[name] = {"config": c, "state": {k: enc(v) for k, v in model.state_dict().items()}, "idx": idx.tolist(), "targets": targets.tolist(),
                     "logits": enc(logits), "loss": loss.item(), "grads": {k: enc(p.grad) for k, p in model.named_parameters()}}
    torch.set_default_dtype(torch.float32)
    return out


def hf_tiny():
    from transformers import GPT2Config, GPT2LMHeadModel
    torch.manual_seed(1)
    config = GPT2Config(vocab_size=23, n_positions=16, n_embd=16, n_layer=2, n_head=4, resid_pdrop=0, embd_pdrop=0, attn_pdrop=0,
                        activation_function="gelu_new", initializer_range=0.3)
    model = GPT2LMHeadModel(config).eval()
    folder = os.path.join(FIXTURES, "gpt2-tiny")
    model.save_pretrained(folder, safe_serialization=True)
    idx = torch.randint(0, 23, (2, 9))
    with torch.no_grad():
        logits = model(idx).logits
    prompt = torch.tensor([[3, 14, 15]])
    greedy = model.generate(prompt, max_new_tokens=12, do_sample=False, pad_token_id=0)
    expected = {"idx": idx.tolist(), "logits": enc(logits), "prompt": prompt[0].tolist(), "greedy": greedy[0].tolist()}
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f)
    for name in os.listdir(folder):
        if name not in ("config.json", "model.safetensors", "expected.json"):
            os.remove(os.path.join(folder, name))


def main():
    with open(os.path.join(FIXTURES, "gpt.json"), "w") as f:
        json.dump(nanogpt_cases(), f)
    hf_tiny()
    print("wrote test/fixtures/gpt.json and test/fixtures/gpt2-tiny/")


main()
