"""PyTorch side of bench/gpt.ts: nanoGPT's baby GPT on Shakespeare characters, timed as JSON.

The model is nanoGPT's model.py (4 layers, 4 heads, 128 wide, block 64, no biases, dropout 0, the
fused scaled_dot_product_attention, tied weights) and the step is train.py's (AdamW with weight
decay on matrices, fused=False as on CPU, gradient clipping at 1.0, batch 12). Sampling: 63 new
tokens from a one-token prompt at temperature 1, with nanoGPT's generate (no KV cache: the whole
cropped context each step) and with a KV cache (the same model, keys and values kept per layer).

Usage: python bench/peers/gpt_bench.py THREADS SHAKESPEARE_TXT
"""
import json, math, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

threads = int(sys.argv[1])
torch.set_num_threads(threads)
torch.manual_seed(1337)
BLOCK, BATCH, LAYERS, HEADS, WIDTH = 64, 12, 4, 4, 128


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(WIDTH, 3 * WIDTH, bias=False)
        self.c_proj = nn.Linear(WIDTH, WIDTH, bias=False)

    def forward(self, x, cache=None, layer=0):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(WIDTH, dim=2)
        q, k, v = (t.view(B, T, HEADS, C // HEADS).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            if cache[layer] is not None:
                k = torch.cat([cache[layer][0], k], 2)
                v = torch.cat([cache[layer][1], v], 2)
            cache[layer] = (k, v)
        causal = T > 1
        y = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(WIDTH, bias=False)
        self.attn = CausalSelfAttention()
        self.ln_2 = nn.LayerNorm(WIDTH, bias=False)
        self.c_fc = nn.Linear(WIDTH, 4 * WIDTH, bias=False)
        self.c_proj = nn.Linear(4 * WIDTH, WIDTH, bias=False)

    def forward(self, x, cache=None, layer=0):
        x = x + self.attn(self.ln_1(x), cache, layer)
        return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.wte = nn.Embedding(vocab, WIDTH)
        self.wpe = nn.Embedding(BLOCK, WIDTH)
        self.h = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.ln_f = nn.LayerNorm(WIDTH, bias=False)
        self.lm_head = nn.Linear(WIDTH, vocab, bias=False)
        self.wte.weight = self.lm_head.weight

    def forward(self, idx, targets=None, cache=None, past=0):
        T = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(past, past + T))
        for i, block in enumerate(self.h):
            x = block(x, cache, i)
        x = self.ln_f(x)
        if targets is None:
            return self.lm_head(x[:, [-1], :]), None
        logits = self.lm_head(x)
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)


def median_ms(fn, warmup_s=1.0, reps=15):
    start = time.perf_counter()
    while time.perf_counter() - start < warmup_s:
        fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


text = open(sys.argv[2], encoding="utf8").read()
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
model = GPT(len(chars))
decay = [p for p in model.parameters() if p.dim() >= 2]
no_decay = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-3, betas=(0.9, 0.99))


def train_step():
    ix = torch.randint(len(data) - BLOCK, (BATCH,))
    x = torch.stack([data[i:i + BLOCK] for i in ix])
    y = torch.stack([data[i + 1:i + 1 + BLOCK] for i in ix])
    _, loss = model(x, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)


NEW = 63  # fills the block of 64 from a one-token prompt, so the cache holds throughout


@torch.no_grad()
def sample(use_cache):
    model.eval()
    idx = torch.zeros((1, 1), dtype=torch.long)
    cache = [None] * LAYERS if use_cache else None
    past = 0
    for _ in range(NEW):
        if use_cache and idx.size(1) <= BLOCK:
            logits, _ = model(idx[:, past:], cache=cache, past=past)
            past = idx.size(1)
        else:
            cache = None
            logits, _ = model(idx[:, -BLOCK:])
        probs = F.softmax(logits[:, -1, :], dim=-1)
        idx = torch.cat((idx, torch.multinomial(probs, num_samples=1)), dim=1)
    model.train()


step_ms = median_ms(train_step)
# Sampling: the uncached path re-reads every position so far for each new token.
nocache_ms = median_ms(lambda: sample(False), reps=5)
cache_ms = median_ms(lambda: sample(True), reps=5)
print(json.dumps({
    "stepMs": step_ms, "trainTokensPerSecond": BATCH * BLOCK / (step_ms / 1000),
    "sampleTokensPerSecond": NEW / (nocache_ms / 1000), "sampleCachedTokensPerSecond": NEW / (cache_ms / 1000),
    "versions": torch.__version__,
}))
