#!/usr/bin/env python3
"""Writes test/fixtures/torch_model.safetensors from a PyTorch model's state dict, laid out as the
safetensors reference writer does (tensors ordered by dtype size then name, header padded to 8
bytes), plus test/fixtures/torch_model.json with the values and a forward result to compare.

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_io_fixtures.py
(The safetensors Python package is not in Debian 12; the format is small enough to write here.)
"""
import json
import os
import struct
import torch
import torch.nn as nn

HERE = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")
DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.float64: "F64"}

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
model.train()
model(torch.randn(8, 3))  # update the running statistics
model.eval()
state = model.state_dict()

order = sorted(state.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))
header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
for name, t in order:
    data = t.contiguous().numpy().tobytes()
    header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
    chunks.append(data)
    offset += len(data)
text = json.dumps(header, separators=(",", ":"))
text += " " * ((8 - len(text) % 8) % 8)
with open(os.path.join(HERE, "torch_model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text.encode())
    for c in chunks:
        f.write(c)

x = torch.randn(5, 3)
with open(os.path.join(HERE, "torch_model.json"), "w") as f:
    json.dump({
        "state": {k: v.reshape(-1).tolist() for k, v in state.items()},
        "x": x.tolist(),
        "y": model(x).detach().tolist(),
    }, f)
    f.write("\n")
print("wrote test/fixtures/torch_model.safetensors and torch_model.json")
