"""Keras side of bench/keras-fit.ts: the seed's B.1 MLP and B.3 LSTM, one `fit` epoch each at batch 32,
on the arrays keras-fit.ts wrote. Prints JSON: the median seconds of the timed epochs, and versions.

    .peers-venv/bin/python bench/peers/keras_bench.py THREADS DATA_DIR EPOCHS
"""
import json, os, sys, time

threads, data_dir, epochs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "tensorflow"
import tensorflow as tf

# Thread counts are fixed before TensorFlow starts its pools.
tf.config.threading.set_intra_op_parallelism_threads(threads)
tf.config.threading.set_inter_op_parallelism_threads(threads)
import keras
import numpy as np
from safetensors.numpy import load_file

L = keras.layers


def epochs_s(model, x, y):
    """Median wall time of the epochs after the first (which traces and compiles the step)."""
    times = []
    for _ in range(epochs + 1):
        t = time.perf_counter()
        model.fit(x, y, epochs=1, batch_size=32, verbose=0)
        times.append(time.perf_counter() - t)
    times = sorted(times[1:])
    return times[len(times) // 2]


keras.utils.set_random_seed(0)
d = load_file(os.path.join(data_dir, "mlp.safetensors"))
mlp = keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(128, activation="relu"), L.Dense(64, activation="relu"), L.Dense(10, activation="softmax")])
mlp.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
out = {"mlp": epochs_s(mlp, d["x"], d["y"])}
d = load_file(os.path.join(data_dir, "lstm.safetensors"))
lstm = keras.Sequential([keras.Input((120,)), L.Embedding(10000, 16), L.LSTM(32), L.Dense(1, activation="sigmoid")])
lstm.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
out["lstm"] = epochs_s(lstm, d["x"], d["y"])
out["version"] = f"Keras {keras.__version__} / TensorFlow {tf.__version__}"
print(json.dumps(out))
