"""The peer of bench/epochs.ts: the seed's PyTorch training loop (B.2) for one epoch on the 60,000
Fashion-MNIST training images, data loading included: torchvision's FashionMNIST with ToTensor,
DataLoader(shuffle=True), Adam, CrossEntropyLoss and `loss.item()` every step, for the B.1 MLP at
batch 32 and the B.2 ConvNet at batch 64. Prints JSON: the median seconds of the timed epochs (the
first is not timed), the dataset's construction in seconds, and the versions. Needs torchvision
(pip install pillow torchvision --no-deps); only its datasets and transforms are used, so the CUDA
build of the wheel works.

    python bench/peers/epoch_bench.py THREADS ROOT EPOCHS      (ROOT/FashionMNIST/raw: the IDX files)
"""
import json
import statistics
import sys
import time

import torch
import torch.library
import torch.nn as nn
import torch.nn.functional as F

torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)  # see tools/make_vision_model_fixtures.py
import torchvision  # noqa: E402
import torchvision.transforms as transforms  # noqa: E402

threads, root, epochs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), (2, 2))
        x = x.view(-1, 16 * 5 * 5)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


t = time.perf_counter()
train_data = torchvision.datasets.FashionMNIST(root=root, train=True, download=False, transform=transforms.ToTensor())
load_s = time.perf_counter() - t


def epoch_seconds(model, batch_size):
    loader = torch.utils.data.DataLoader(dataset=train_data, batch_size=batch_size, shuffle=True)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    times = []
    for _ in range(epochs + 1):
        t = time.perf_counter()
        running_loss = 0.0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        times.append(time.perf_counter() - t)
    return statistics.median(times[1:]), running_loss / len(loader)


mlp_s, mlp_loss = epoch_seconds(mlp(), 32)
cnn_s, cnn_loss = epoch_seconds(ConvNet(), 64)
print(json.dumps({"mlp": mlp_s, "cnn": cnn_s, "load": load_s, "mlpLoss": mlp_loss, "cnnLoss": cnn_loss, "version": torch.__version__, "torchvision": torchvision.__version__}))
