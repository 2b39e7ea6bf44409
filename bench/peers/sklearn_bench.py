"""scikit-learn side of `npm run bench:cluster`, on an array written by bench/cluster.ts.

Usage: python bench/peers/sklearn_bench.py kmeans X.f32 N D K ITERS THREADS -> JSON {"ms", "inertia", "nIter", "version"}
       python bench/peers/sklearn_bench.py minibatch X.f32 N D K PASSES THREADS -> JSON {"ms", "steps", "version"}
       python bench/peers/sklearn_bench.py ward X.f32 N D K THREADS        -> JSON {"ms", "labels", "version"}
KMeans: Lloyd from the first K rows as initial centres, a fixed number of iterations (tol 0).
MiniBatchKMeans: the same centres, batches of 1024, PASSES·N/1024 steps (no early stopping), no final labelling.
Ward: AgglomerativeClustering(n_clusters=K, linkage="ward"). Medians of 3 runs.
"""
import json, sys, time
import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
import sklearn

mode, path = sys.argv[1], sys.argv[2]
n, d, k = map(int, sys.argv[3:6])
X = np.fromfile(path, dtype=np.float32).reshape(n, d)
threads = int(sys.argv[-1])
times, out = [], {}
with threadpool_limits(limits=threads):
    for _ in range(3):
        if mode == "kmeans":
            model = KMeans(n_clusters=k, init=X[:k].copy(), n_init=1, max_iter=int(sys.argv[6]), tol=0.0, algorithm="lloyd")
        elif mode == "minibatch":
            model = MiniBatchKMeans(n_clusters=k, init=X[:k].copy(), n_init=1, max_iter=int(sys.argv[6]), batch_size=1024, tol=0.0,
                                    max_no_improvement=None, compute_labels=False, random_state=0)
        else:
            model = AgglomerativeClustering(n_clusters=k, linkage="ward")
        t = time.perf_counter()
        model.fit(X)
        times.append((time.perf_counter() - t) * 1000)
times.sort()
out["ms"] = times[1]
out["version"] = sklearn.__version__
if mode == "kmeans":
    out.update(inertia=float(model.inertia_), nIter=int(model.n_iter_))
elif mode == "minibatch":
    out["steps"] = int(model.n_steps_)
else:
    out["labels"] = model.labels_.tolist()
print(json.dumps(out))
