"""The peer of bench/vision.ts: torchvision's ResNet-18 (10 classes) on 32×32 inputs in PyTorch — forward
at batch 1 and 32 (eval, no grad) and a training step at batch 32 (SGD with momentum, cross-entropy) —
median milliseconds, on the number of threads given. Needs torchvision (pip install pillow
torchvision --no-deps); its compiled operators are not used, so the CUDA build of the wheel works.

    python bench/peers/vision_bench.py THREADS
"""
import json
import statistics
import sys
import time

import torch
import torch.library
import torch.nn.functional as F

torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)  # see tools/make_vision_model_fixtures.py
from torchvision.models import resnet18  # noqa: E402

torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)


def median_ms(fn, reps, warmup_s=1.0):
    start = time.perf_counter()
    while time.perf_counter() - start < warmup_s:
        fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


model = resnet18(num_classes=10)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x1, x32 = torch.randn(1, 3, 32, 32), torch.randn(32, 3, 32, 32)
y32 = torch.randint(0, 10, (32,))


def forward(x):
    def run():
        with torch.no_grad():
            model(x)
    return run


def step():
    opt.zero_grad()
    F.cross_entropy(model(x32), y32).backward()
    opt.step()


model.eval()
f1, f32 = median_ms(forward(x1), 30), median_ms(forward(x32), 10)
model.train()
s32 = median_ms(step, 10)
print(json.dumps({"forward1": f1, "forward32": f32, "train32": s32, "version": torch.__version__}))
