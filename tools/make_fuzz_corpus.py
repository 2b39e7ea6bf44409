#!/usr/bin/env python3
"""Writes the numpy part of the fuzzing seed corpus (test/fuzz/corpus/): .npy files of several
dtypes and byte orders, an object array as Keras' imdb.npz holds (a pickle), .npz archives stored
and deflated, and a bare pickle. The formats tensorgrad writes itself (IDX, safetensors, CSV, GloVe,
Keras model folders) are made by tools/make-fuzz-corpus.ts.

Run with numpy (Debian's python3-numpy, or a venv):  python3 tools/make_fuzz_corpus.py
"""
import io
import os
import pickle
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fuzz", "corpus")
os.makedirs(OUT, exist_ok=True)


def npy(name, array):
    with open(os.path.join(OUT, name), "wb") as f:
        np.save(f, array, allow_pickle=True)


npy("f4.npy", np.arange(12, dtype="<f4").reshape(3, 4) / 7)
npy("i8-big-endian.npy", np.array([[1, -2, 3], [2**40, 0, -1]], dtype=">i8"))
npy("bool.npy", np.array([True, False, True]))
npy("u1-scalar.npy", np.array(200, dtype="u1"))
sequences = np.empty(3, dtype=object)
sequences[:] = [[1, 14, 22, 16], [1, 2, 300], [5]]
npy("object-sequences.npy", sequences)

for name, save in [("stored.npz", np.savez), ("deflated.npz", np.savez_compressed)]:
    with open(os.path.join(OUT, name), "wb") as f:
        save(f, x_train=sequences, y_train=np.array([1, 0, 1]), x_test=sequences[:2], y_test=np.array([0, 1]))

with open(os.path.join(OUT, "list-of-lists.pickle"), "wb") as f:
    pickle.dump([[1, 2, 3], [4, 2**40, -7], "text", 1.5, None, True], f, protocol=4)

# Regression files (test/fuzz/regressions/): an imdb.npz whose sequences hold 200,000 words, which
# once overflowed the call stack of loadImdbNpz's default-options path.
REG = os.path.join(os.path.dirname(__file__), "..", "test", "fuzz", "regressions")
os.makedirs(REG, exist_ok=True)
long = np.empty(2, dtype=object)
long[:] = [[(i * 7) % 5000 for i in range(100_000)], [(i * 13) % 5000 for i in range(100_000)]]
with open(os.path.join(REG, "imdb-200k-words.npz"), "wb") as f:
    np.savez_compressed(f, x_train=long, y_train=np.array([1, 0]), x_test=long[:1], y_test=np.array([1]))

# A tiny graph in the Planetoid layout (ind.cora.*, as PyG reads them): SciPy CSR features, NumPy
# one-hot labels and a defaultdict of adjacency lists, pickled with protocol 2 as the originals are.
import collections
import scipy.sparse as sp

PLANETOID = os.path.join(OUT, "planetoid")
os.makedirs(PLANETOID, exist_ok=True)


def planetoid(part, obj):
    with open(os.path.join(PLANETOID, f"ind.cora.{part}"), "wb") as f:
        pickle.dump(obj, f, protocol=2)


onehot = lambda labels: np.eye(3, dtype=np.int32)[labels]
planetoid("x", sp.csr_matrix(np.array([[1, 0, 0, 1], [0, 1, 0, 0]], dtype=np.float32)))
planetoid("y", onehot([0, 1]))
planetoid("allx", sp.csr_matrix(np.array([[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 1]], dtype=np.float32)))
planetoid("ally", onehot([0, 1, 2]))
planetoid("tx", sp.csr_matrix(np.array([[0, 1, 1, 0], [1, 1, 0, 0]], dtype=np.float32)))
planetoid("ty", onehot([2, 1]))
graph = collections.defaultdict(list)
for a, b in [(0, 1), (1, 0), (1, 2), (2, 1), (2, 4), (4, 2), (3, 4), (4, 3), (3, 3)]:
    graph[a].append(b)
planetoid("graph", graph)
with open(os.path.join(PLANETOID, "ind.cora.test.index"), "w") as f:
    f.write("4\n3\n")
