"""The references of the README's results table: each recipe as its users would write it in PyTorch
2.13 or Keras 3 (TensorFlow 2.21), with the same model, initialisation scheme (each framework's
defaults, which tensorgrad follows), optimizer, batch size, epochs and augmentation as tensorgrad's
example, on the arrays tools/results-data.ts wrote. It prints "test accuracy X%" as the examples do.

    .peers-venv/bin/python tools/results_reference.py RECIPE [the example's flags] [--seed S] [--data-dir DIR]

RECIPE is cnn-mnist, transformer (PyTorch) or mlp-mnist, cnn-keras, lstm-text (Keras); flags the
reference does not need (--verbose, --steps) are accepted and ignored. Run by tools/results.ts.
"""
import argparse
import math
import os
import sys

import numpy as np
from safetensors import safe_open


def load(args, name):
    """The arrays of one exported file, and its metadata."""
    with safe_open(os.path.join(args.data_dir, name), "np") as f:
        return {k: f.get_tensor(k) for k in f.keys()}, f.metadata() or {}


def images(args):
    return load(args, "fashion-mnist.safetensors" if args.fashion else "mnist-embedded.safetensors")[0]


def report(accuracy):
    print(f"test accuracy {100 * accuracy:.2f}%", flush=True)


# ---- PyTorch -------------------------------------------------------------------------------------


def random_affine(batch, generator):
    """torchvision's RandomAffine(degrees=10, translate=(0.1, 0.1), scale=(0.9, 1.1)) drawn per image,
    sampled bilinearly with zeros outside, as tensorgrad's data.transforms.randomAffine: the forward map
    rotates and scales about the pixel centre ((W-1)/2, (H-1)/2), then shifts by whole pixels."""
    import torch

    n, _, h, w = batch.shape
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(n, generator=generator, dtype=torch.float64)
    angle, scale = u(-10, 10), u(0.9, 1.1)
    tx, ty = torch.round(u(-0.1 * w, 0.1 * w)), torch.round(u(-0.1 * h, 0.1 * h))
    return affine(batch, angle, tx, ty, scale)


def affine(batch, angle, tx, ty, scale):
    """Each image of batch [N, C, H, W] rotated by angle[i] degrees and scaled about its centre, then shifted."""
    import torch
    import torch.nn.functional as F

    _, _, h, w = batch.shape
    rot = -angle * math.pi / 180
    a, b, d, e = torch.cos(rot) * scale, -torch.sin(rot) * scale, torch.sin(rot) * scale, torch.cos(rot) * scale
    cx, cy = (w - 1) / 2, (h - 1) / 2
    c, f = cx + tx - a * cx - b * cy, cy + ty - d * cx - e * cy
    # Each output pixel reads the source at the inverse map of its position.
    det = a * e - b * d
    ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
    ic, if_ = -(ia * c + ib * f), -(id_ * c + ie * f)
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
    sx = ia[:, None, None] * xs + ib[:, None, None] * ys + ic[:, None, None]
    sy = id_[:, None, None] * xs + ie[:, None, None] * ys + if_[:, None, None]
    grid = torch.stack([2 * sx / (w - 1) - 1, 2 * sy / (h - 1) - 1], dim=-1).to(batch.dtype)
    return F.grid_sample(batch, grid, mode="bilinear", padding_mode="zeros", align_corners=True)


def cnn_mnist(args):
    """examples/cnn-mnist.ts: the seed's ConvNet, Adam with OneCycleLR, optional affine augmentation."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(args.seed)
    d = images(args)
    mean, std = (0.286, 0.353) if args.fashion else (0.1307, 0.3081)
    x, y = torch.from_numpy(d["xTrain"]).unsqueeze(1), torch.from_numpy(d["yTrain"]).long()
    xt, yt = torch.from_numpy(d["xTest"]).unsqueeze(1), torch.from_numpy(d["yTest"]).long()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 3)
            self.conv2 = nn.Conv2d(6, 16, 3)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    model = Net()
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=args.epochs * len(loader))
    criterion = nn.CrossEntropyLoss()
    augment = torch.Generator().manual_seed(args.seed)
    for epoch in range(1, args.epochs + 1):
        model.train()
        for xb, yb in loader:
            if args.augment == "affine":
                xb = random_affine(xb, augment)
            optimizer.zero_grad()
            loss = criterion(model((xb - mean) / std), yb)
            loss.backward()
            optimizer.step()
            scheduler.step()
        model.eval()
        with torch.no_grad():
            correct = sum((model((xt[i : i + 256] - mean) / std).argmax(1) == yt[i : i + 256]).sum().item() for i in range(0, len(xt), 256))
        print(f"epoch {epoch}: loss {loss.item():.4f}, test accuracy {100 * correct / len(xt):.2f}%", flush=True)


def transformer(args):
    """examples/transformer.ts, part 1: the encoder classifier on SpamAssassin."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(args.seed)
    d, meta = load(args, "spam-transformer.safetensors")
    vocab, dim, max_len = int(meta["vocab"]), 32, 64

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, dim, padding_idx=1)
            self.position = nn.Embedding(max_len, dim)  # tensorgrad's LearnedPositionalEmbedding
            layer = nn.TransformerEncoderLayer(dim, 2, dim_feedforward=2 * dim, dropout=0.1, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
            self.head = nn.Linear(dim, 2)

        def forward(self, ids):
            padding = ids == 1
            h = self.embed(ids) + self.position(torch.arange(ids.shape[1]))
            h = self.encoder(h, src_key_padding_mask=padding)
            keep = (~padding).float().unsqueeze(2)
            return self.head((h * keep).sum(1) / keep.sum(1).clamp(min=1))

    x, y = torch.from_numpy(d["xTrain"]).long(), torch.from_numpy(d["yTrain"]).long()
    xt, yt = torch.from_numpy(d["xTest"]).long(), torch.from_numpy(d["yTest"]).long()
    model = Classifier()
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    for _ in range(args.epochs):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        report((model(xt).argmax(1) == yt).float().mean().item())


# ---- Keras ---------------------------------------------------------------------------------------


def keras_seeded(seed):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    keras.utils.set_random_seed(seed)
    return keras


def mlp_mnist(args):
    """examples/mlp-mnist.ts: the seed's Keras MLP, 10% of the training images held out for validation."""
    keras = keras_seeded(args.seed)
    L = keras.layers
    d = images(args)
    model = keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(128, activation="relu"), L.Dense(64, activation="relu"), L.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(d["xTrain"], d["yTrain"], epochs=args.epochs, batch_size=args.batch_size, validation_split=0.1, verbose=2)
    report(model.evaluate(d["xTest"], d["yTest"], return_dict=True, verbose=0)["accuracy"])


def cnn_keras(args):
    """examples/cnn-keras.ts: Conv2D(32, 3) → MaxPooling2D → Dense(128) → Dense(10, softmax), one-hot labels."""
    keras = keras_seeded(args.seed)
    L = keras.layers
    d = images(args)
    x, xt = d["xTrain"][..., None], d["xTest"][..., None]
    y, yt = keras.utils.to_categorical(d["yTrain"], 10), keras.utils.to_categorical(d["yTest"], 10)
    model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=args.epochs, batch_size=args.batch_size, verbose=2)
    report(model.evaluate(xt, yt, return_dict=True, verbose=0)["accuracy"])


def lstm_text(args):
    """examples/lstm-text.ts: Embedding(vocab, 16) → LSTM(32) → Dense(1, sigmoid) on SpamAssassin."""
    keras = keras_seeded(args.seed)
    L = keras.layers
    d, meta = load(args, "spam-lstm.safetensors")
    model = keras.Sequential([keras.Input((d["xTrain"].shape[1],)), L.Embedding(int(meta["vocab"]), 16), L.LSTM(32), L.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(d["xTrain"], d["yTrain"].astype(np.float32), epochs=args.epochs, batch_size=args.batch_size, verbose=2)
    report(model.evaluate(d["xTest"], d["yTest"].astype(np.float32), return_dict=True, verbose=0)["accuracy"])


RECIPES = {"cnn-mnist": (cnn_mnist, 10), "transformer": (transformer, 3), "mlp-mnist": (mlp_mnist, 5), "cnn-keras": (cnn_keras, 5), "lstm-text": (lstm_text, 3)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("recipe", choices=RECIPES)
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.003)
    p.add_argument("--augment", choices=["affine", "none"], default="affine")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--fashion", action="store_true")
    p.add_argument("--data-dir", default=".cache/results-data")
    args, _ignored = p.parse_known_args()
    run, epochs = RECIPES[args.recipe]
    args.epochs = args.epochs or epochs
    run(args)


if __name__ == "__main__":
    sys.exit(main())
