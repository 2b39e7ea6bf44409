"""PyTorch side of `npm run bench`: the same workloads as bench/suite.ts, timed on request.

The suite keeps this process open and asks it for one workload at a time, between its own
measurements of the same workload, so that both sides run in the same minute of a shared machine
(its speed drifts by tens of percent over a run). Protocol, one JSON object a line:

    started:   {"version": "2.13.0+cpu"}
    request:   {"workload": "lstm", "threads": 1, "reps": 3, "warmup": 2, "warmup_ms": 1000}
    response:  {"times": [ms, ...]}   (or {"error": "..."})

Usage: python bench/peers/torch_bench.py  (then requests on stdin)
"""
import json, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

torch.manual_seed(0)


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


class Classifier(nn.Module):
    def __init__(s, cell):
        super().__init__(); s.e = nn.Embedding(10000, 16); s.l = cell(16, 32, batch_first=True); s.f = nn.Linear(32, 1)
    def forward(s, x):
        _, h = s.l(s.e(x))
        return s.f((h[0] if isinstance(h, tuple) else h)[0]).squeeze(1)


def train_step(model, x, y, loss=F.cross_entropy):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    def step():
        opt.zero_grad(); loss(model(x), y).backward(); opt.step()
    return step


def no_grad(fn):
    def run():
        with torch.no_grad():
            fn()
    return run


def build(name):
    """The workload `name` as a function of no arguments (its inputs and model made once)."""
    if name.startswith("sgemm"):
        n = int(name[5:]); a, b = torch.randn(n, n), torch.randn(n, n)
        return lambda: a @ b
    if name in ("add4M", "sum4M"):
        a, b = torch.randn(1 << 22), torch.randn(1 << 22)
        return (lambda: a + b) if name == "add4M" else (lambda: a.sum())
    if name == "tiny1000":
        one = torch.ones(1)
        def tiny_ops():
            for _ in range(1000):
                one + one
        return tiny_ops
    if name == "conv":
        x = torch.randn(64, 1, 28, 28, requires_grad=True); w = torch.randn(6, 1, 3, 3, requires_grad=True)
        return lambda: F.conv2d(x, w).sum().backward()
    images, labels = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    if name == "mlp":
        return train_step(nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)), images, labels)
    if name == "cnn":
        return train_step(ConvNet(), images, labels)
    if name in ("infer1", "infer256"):
        cnn = ConvNet().eval(); xb = torch.randn(int(name[5:]), 1, 28, 28)
        return no_grad(lambda: cnn(xb))
    if name in ("lstm", "gru"):
        ids, ys = torch.randint(0, 10000, (32, 120)), torch.randint(0, 2, (32,)).float()
        return train_step(Classifier(nn.LSTM if name == "lstm" else nn.GRU), ids, ys, F.binary_cross_entropy_with_logits)
    if name == "transformer":
        # The Transformer encoder layer's defaults but a 4·d feed-forward; Adam on the output's mean square.
        layer = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, batch_first=True)
        adam = torch.optim.Adam(layer.parameters(), 1e-3)
        tokens = torch.randn(32, 64, 128)
        def layer_step():
            adam.zero_grad(); layer(tokens).square().mean().backward(); adam.step()
        return layer_step
    raise ValueError(f"unknown workload {name!r}")


def times_ms(fn, reps, warmup, warmup_ms):
    """At least `warmup` unmeasured calls lasting `warmup_ms` in all (as the suite warms its own), then `reps` timings."""
    start = time.perf_counter(); i = 0
    while i < warmup or (time.perf_counter() - start) * 1000 < warmup_ms:
        fn(); i += 1
    out = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); out.append((time.perf_counter() - t) * 1000)
    return out


workloads = {}
print(json.dumps({"version": torch.__version__}), flush=True)
for line in sys.stdin:
    try:
        req = json.loads(line)
        torch.set_num_threads(req["threads"])
        if req["workload"] not in workloads:
            workloads[req["workload"]] = build(req["workload"])
        reply = {"times": times_ms(workloads[req["workload"]], req["reps"], req["warmup"], req["warmup_ms"])}
    except Exception as e:  # the suite reports it and skips the row
        reply = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(reply), flush=True)
