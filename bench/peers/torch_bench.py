"""PyTorch side of `npm run bench`: the same workloads as bench/suite.ts, medians in ms as JSON.

Usage: python bench/peers/torch_bench.py THREADS SIZES  (e.g. 1 128,256,512,1024)
"""
import json, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

threads = int(sys.argv[1])
sizes = [int(s) for s in sys.argv[2].split(",")]
torch.set_num_threads(threads)
torch.manual_seed(0)

def median_ms(fn, warmup=2, reps=7):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return ts[len(ts) // 2]

out = {}
for n in sizes:
    a, b = torch.randn(n, n), torch.randn(n, n)
    out[f"sgemm{n}"] = median_ms(lambda: a @ b, reps=7 if n <= 512 else 5)

big_a, big_b = torch.randn(1 << 22), torch.randn(1 << 22)
out["add4M"] = median_ms(lambda: big_a + big_b, reps=15)
out["sum4M"] = median_ms(lambda: big_a.sum(), reps=15)
tiny = torch.ones(1)
def tiny_ops():
    for _ in range(1000):
        tiny + tiny
out["tiny1000"] = median_ms(tiny_ops)

class ConvNet(nn.Module):
    def __init__(s):
        super().__init__()
        s.conv1, s.conv2 = nn.Conv2d(1, 6, 3), nn.Conv2d(6, 16, 3)
        s.fc1, s.fc2, s.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.conv1(x)), 2)
        x = F.max_pool2d(F.relu(s.conv2(x)), 2)
        x = x.flatten(1)
        return s.fc3(F.relu(s.fc2(F.relu(s.fc1(x)))))

x64 = torch.randn(64, 1, 28, 28, requires_grad=True)
w = torch.randn(6, 1, 3, 3, requires_grad=True)
def conv():
    F.conv2d(x64, w).sum().backward()
out["conv"] = median_ms(conv)

y64 = torch.randint(0, 10, (64,))
def train_step(model):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.randn(64, 1, 28, 28)
    def step():
        opt.zero_grad(); F.cross_entropy(model(x), y64).backward(); opt.step()
    return median_ms(step, reps=21)
out["mlp"] = train_step(nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)))
cnn = ConvNet()
out["cnn"] = train_step(cnn)
with torch.no_grad():
    for batch in (1, 256):
        xb = torch.randn(batch, 1, 28, 28)
        out[f"infer{batch}"] = median_ms(lambda: cnn(xb), reps=21)

class Classifier(nn.Module):
    def __init__(s, cell):
        super().__init__(); s.e = nn.Embedding(10000, 16); s.l = cell(16, 32, batch_first=True); s.f = nn.Linear(32, 1)
    def forward(s, x):
        _, h = s.l(s.e(x))
        return s.f((h[0] if isinstance(h, tuple) else h)[0]).squeeze(1)
xs = torch.randint(0, 10000, (32, 120)); ys = torch.randint(0, 2, (32,)).float()
for name, cell in (("lstm", nn.LSTM), ("gru", nn.GRU)):
    m = Classifier(cell); o = torch.optim.Adam(m.parameters(), 1e-3)
    def rnn_step():
        o.zero_grad(); F.binary_cross_entropy_with_logits(m(xs), ys).backward(); o.step()
    out[name] = median_ms(rnn_step)
layer = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, batch_first=True)
adam = torch.optim.Adam(layer.parameters(), 1e-3)
tokens = torch.randn(32, 64, 128)
def layer_step():
    adam.zero_grad(); layer(tokens).square().mean().backward(); adam.step()
out["transformer"] = median_ms(layer_step, reps=11)
out["version"] = torch.__version__
print(json.dumps(out))
