#!/usr/bin/env python3
"""Writes the data fixtures: test/fixtures/imdb_mini.npz (Keras' imdb.npz layout: object arrays of
word-index lists) and test/fixtures/preprocessing.json (scikit-learn's results on small inputs).

Run with Debian's python3-numpy and python3-sklearn:  /usr/bin/python3 tools/make_data_fixtures.py
"""
import json
import os
import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import LabelEncoder, MinMaxScaler, OneHotEncoder, StandardScaler

HERE = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")


def imdb():
    def obj(lists):
        a = np.empty(len(lists), dtype=object)
        for i, l in enumerate(lists):
            a[i] = list(l)
        return a
    x_train = obj([[1, 14, 22, 16, 43], [1, 194, 1153, 194], [1, 5, 7000000, 2], [1, 2, 3, 4, 5, 6, 7, 8]])
    x_test = obj([[1, 591, 202], [1, 14, 47, 8, 30, 31]])
    np.savez(os.path.join(HERE, "imdb_mini.npz"), x_train=x_train, y_train=np.array([1, 0, 0, 1]), x_test=x_test, y_test=np.array([0, 1]))


def preprocessing():
    x = np.array([[1.0, 10.0, 5.0], [2.0, np.nan, 5.0], [4.0, 30.0, 5.0], [np.nan, 20.0, 5.0], [3.0, 40.0, 5.0]])
    dense = np.nan_to_num(x, nan=0.0)
    out = {
        "x": x.tolist(),
        "standard": StandardScaler().fit_transform(x).tolist(),
        "minmax": MinMaxScaler(feature_range=(-1, 1)).fit_transform(x).tolist(),
        "impute_mean": SimpleImputer(strategy="mean").fit_transform(x).tolist(),
        "impute_median": SimpleImputer(strategy="median").fit_transform(x).tolist(),
        "impute_most_frequent": SimpleImputer(strategy="most_frequent").fit_transform(np.array([[1.0, 2.0], [np.nan, 2.0], [3.0, np.nan], [3.0, 4.0], [1.0, 4.0]])).tolist(),
        "dense": dense.tolist(),
        "standard_dense": StandardScaler().fit_transform(dense).tolist(),
        "labels": LabelEncoder().fit_transform(["paris", "tokyo", "amsterdam", "tokyo"]).tolist(),
        "onehot": OneHotEncoder().fit_transform([["red", "S"], ["green", "M"], ["red", "L"]]).toarray().tolist(),
    }
    for k, v in out.items():
        out[k] = [[None if isinstance(c, float) and np.isnan(c) else c for c in row] if isinstance(row, list) else row for row in v]
    with open(os.path.join(HERE, "preprocessing.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    imdb()
    preprocessing()
    print("wrote test/fixtures/imdb_mini.npz and test/fixtures/preprocessing.json")
