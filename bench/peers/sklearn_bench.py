"""scikit-learn side of `npm run bench:cluster`: KMeans (Lloyd, given initial centres, a fixed
number of iterations) on an array written by bench/cluster.ts, and ward agglomeration if asked.

Usage: python bench/peers/sklearn_bench.py X.f32 N D K ITERS THREADS -> JSON {"kmeans": ms, "inertia": …}
"""
import json, sys, time
import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.cluster import KMeans
import sklearn

path, n, d, k, iters, threads = sys.argv[1], *map(int, sys.argv[2:7])
X = np.fromfile(path, dtype=np.float32).reshape(n, d)
init = X[:k].copy()
times = []
with threadpool_limits(limits=threads):
    for rep in range(3):
        km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd")
        t = time.perf_counter()
        km.fit(X)
        times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({"kmeans": times[1], "inertia": float(km.inertia_), "nIter": int(km.n_iter_), "version": sklearn.__version__}))
