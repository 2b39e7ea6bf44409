"""PyTorch side of bench/ssl.ts: one pre-training step of each workload, median ms as JSON.

  BERT-style masked language modelling on the Shakespeare text: a 2-layer pre-norm Transformer
  encoder (d 64, 4 heads, feed-forward 256, ReLU, no dropout), windows of 64 words, batch 64, 15% of
  tokens chosen (80/10/10), the vocabulary projection on the chosen tokens only, AdamW.
  SimCLR: the 3-block CNN encoder (16-32-64 channels, BatchNorm) and projection head on two views
  of 256 28x28 images, NT-Xent (tau 0.5), Adam.

Usage: python bench/peers/ssl_bench.py THREADS SHAKESPEARE_TXT
"""
import json, re, sys, time
from collections import Counter
import torch, torch.nn as nn, torch.nn.functional as F

threads = int(sys.argv[1])
torch.set_num_threads(threads)
torch.manual_seed(0)
SEQ, DIM, BATCH, VOCAB = 64, 64, 64, 10_000


def median_ms(fn, warmup_s=1.0, reps=15):
    start = time.perf_counter()
    while time.perf_counter() - start < warmup_s:
        fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


# torchtext's basic_english: lower case, punctuation split off, whitespace split.
text = open(sys.argv[2], encoding="utf8").read().lower()
for pat, rep in [(r"'", " '  "), (r'"', ""), (r"\.", " . "), (r"<br \/>", " "), (r",", " , "), (r"\(", " ( "), (r"\)", " ) "), (r"!", " ! "), (r"\?", " ? "), (r";", " "), (r":", " "), (r"\s+", " ")]:
    text = re.sub(pat, rep, text)
words = text.split()
itos = ["<unk>", "<pad>", "[MASK]"] + [w for w, c in Counter(words).most_common() if c >= 2][: VOCAB - 3]
stoi = {w: i for i, w in enumerate(itos)}
stream = torch.tensor([stoi.get(w, 0) for w in words], dtype=torch.long)
V = len(itos)


class TextEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(V, DIM, padding_idx=1)
        self.position = nn.Parameter(torch.randn(SEQ, DIM) * 0.02)
        layer = nn.TransformerEncoderLayer(DIM, 4, 4 * DIM, dropout=0.0, activation="relu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(DIM)

    def forward(self, ids):
        return self.norm(self.blocks(self.embed(ids) + self.position, src_key_padding_mask=ids.eq(1)))


encoder, head = TextEncoder(), nn.Linear(DIM, V)
opt = torch.optim.AdamW([*encoder.parameters(), *head.parameters()], lr=1e-3, weight_decay=0.01)


def mlm_step():
    starts = torch.randint(0, len(stream) - SEQ, (BATCH,))
    ids = torch.stack([stream[s:s + SEQ] for s in starts.tolist()])
    chosen = torch.bernoulli(torch.full(ids.shape, 0.15)).bool()
    labels = torch.where(chosen, ids, -100)
    masked = torch.bernoulli(torch.full(ids.shape, 0.8)).bool() & chosen
    randomised = torch.bernoulli(torch.full(ids.shape, 0.5)).bool() & chosen & ~masked
    ids = torch.where(masked, 2, ids)
    ids = torch.where(randomised, torch.randint(V, ids.shape), ids)
    hidden = encoder(ids).reshape(-1, DIM)
    flat = labels.reshape(-1)
    at = flat.ne(-100).nonzero().reshape(-1)
    loss = F.cross_entropy(head(hidden[at]), flat[at])
    opt.zero_grad()
    loss.backward()
    opt.step()


class ConvEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU())

    def forward(self, x):
        return self.features(x).mean((2, 3))


def nt_xent(z1, z2, t=0.5):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    sim = (z @ z.t()) / t
    sim.fill_diagonal_(float("-inf"))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return F.cross_entropy(sim, target)


conv = ConvEncoder()
proj = nn.Sequential(nn.Linear(64, 128, bias=False), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 64))
copt = torch.optim.Adam([*conv.parameters(), *proj.parameters()], lr=1e-3, weight_decay=1e-6)
views = torch.rand(512, 1, 28, 28)


def simclr_step():
    z = proj(conv(views))
    loss = nt_xent(z[:256], z[256:])
    copt.zero_grad()
    loss.backward()
    copt.step()


print(json.dumps({"mlm": median_ms(mlm_step), "simclr": median_ms(simclr_step, reps=7), "vocab": V, "versions": torch.__version__}))
