#!/usr/bin/env python3
"""Writes test/fixtures/cluster.json: scikit-learn's KMeans runs from given initial centres (both
algorithms, with sample weights, an empty cluster) and its clustering metrics on fixed labellings.

Run with scikit-learn 1.9 in a virtual environment (the local wheel mirror has it):
  python3 -m venv .venv && .venv/bin/pip install scikit-learn
  .venv/bin/python tools/make_cluster_fixtures.py
test/cluster/sklearn-parity.test.ts runs the same cases through tg.cluster.
"""
import json, os
import numpy as np
import sklearn
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans, MiniBatchKMeans, SpectralClustering
from sklearn.manifold import spectral_embedding
from sklearn.mixture import GaussianMixture
from scipy.cluster import hierarchy
from sklearn import metrics as M

rng = np.random.RandomState(0)


def blobs(n, centers, spread, d=2):
    c = rng.uniform(-10, 10, (centers, d))
    y = rng.randint(0, centers, n)
    return (c[y] + rng.normal(0, spread, (n, d))).astype(np.float32), y


X1, y1 = blobs(200, 4, 1.5)
X2, y2 = blobs(300, 6, 3.0, d=5)
X3 = np.array([[0, 0], [0.1, 0], [0, 0.1], [10, 10], [10.1, 10], [5, 5]], dtype=np.float32)
w2 = rng.uniform(0.2, 3, len(X2)).astype(np.float32)


def kmeans_case(X, init, algorithm, sample_weight=None, max_iter=300, tol=1e-4):
    km = KMeans(n_clusters=len(init), init=np.asarray(init, dtype=np.float32), n_init=1, algorithm=algorithm, max_iter=max_iter, tol=tol)
    km.fit(X, sample_weight=sample_weight)
    return {
        "X": X.tolist(), "init": np.asarray(init).tolist(), "algorithm": algorithm, "maxIter": max_iter, "tol": tol,
        "sampleWeight": None if sample_weight is None else sample_weight.tolist(),
        "labels": km.labels_.tolist(), "centers": km.cluster_centers_.tolist(), "inertia": float(km.inertia_), "nIter": int(km.n_iter_),
        "predict": km.predict(X[:7]).tolist(), "transform": km.transform(X[:3]).tolist(), "score": float(km.score(X)),
    }


KMEANS = {
    "blobs4_lloyd": kmeans_case(X1, X1[[0, 1, 2, 3]], "lloyd"),
    "blobs4_elkan": kmeans_case(X1, X1[[0, 1, 2, 3]], "elkan"),
    "blobs6_weighted_lloyd": kmeans_case(X2, X2[:6], "lloyd", w2),
    "blobs6_weighted_elkan": kmeans_case(X2, X2[:6], "elkan", w2),
    "max_iter_2": kmeans_case(X2, X2[10:16], "lloyd", max_iter=2),
    # A centre no sample is nearest to: scikit-learn moves it to the farthest sample.
    "empty_cluster": kmeans_case(X3, [[0, 0], [10, 10], [100, 100]], "lloyd"),
}



def minibatch_case(X, init, batches, weights=None, reassignment_ratio=0.0):
    """partial_fit on fixed batches from given centres: deterministic while no centre is reassigned."""
    m = MiniBatchKMeans(n_clusters=len(init), init=np.asarray(init, dtype=np.float32), n_init=1, reassignment_ratio=reassignment_ratio, random_state=0)
    steps = []
    for b in batches:
        m.partial_fit(X[b], sample_weight=None if weights is None else weights[b])
        steps.append({"centers": m.cluster_centers_.tolist(), "counts": m._counts.tolist(), "labels": m.labels_.tolist(), "inertia": float(m.inertia_)})
    return {"X": X.tolist(), "init": np.asarray(init).tolist(), "batches": [b.tolist() for b in batches], "reassignmentRatio": reassignment_ratio,
            "sampleWeight": None if weights is None else weights.tolist(), "steps": steps}


mb_rng = np.random.RandomState(1)  # its own stream, so the fixtures below keep their data
batches = [mb_rng.randint(0, len(X2), size) for size in (40, 40, 60, 25, 40, 80)]
MINIBATCH = {
    "blobs6": minibatch_case(X2, X2[:6], batches),
    "blobs6_weighted": minibatch_case(X2, X2[:6], batches, w2),
    "blobs4_default_ratio": minibatch_case(X1, X1[[0, 1, 2, 3]], [mb_rng.randint(0, len(X1), 50) for _ in range(5)], reassignment_ratio=0.01),
}

pred = KMeans(n_clusters=5, n_init=1, random_state=0, init=X2[20:25]).fit_predict(X2)
labelings = {
    "blobs_vs_truth": (y2.tolist(), pred.tolist()),
    "permuted_identical": ([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1]),
    "one_cluster": ([0, 0, 1, 1], [5, 5, 5, 5]),
    "random": (rng.randint(0, 4, 60).tolist(), rng.randint(0, 3, 60).tolist()),
}
label_metrics = {}
for name, (t, p) in labelings.items():
    label_metrics[name] = {
        "true": t, "pred": p,
        "ari": M.adjusted_rand_score(t, p), "nmi": M.normalized_mutual_info_score(t, p),
        "nmiGeometric": M.normalized_mutual_info_score(t, p, average_method="geometric"),
        "ami": M.adjusted_mutual_info_score(t, p), "mi": M.mutual_info_score(t, p),
        "hcv": list(M.homogeneity_completeness_v_measure(t, p)),
        "contingency": M.cluster.contingency_matrix(t, p).tolist(),
    }
geometric = {
    "blobs": {"X": X2.tolist(), "labels": pred.tolist(),
              "silhouette": M.silhouette_score(X2, pred), "silhouetteSamples": M.silhouette_samples(X2, pred)[:20].tolist(),
              "calinskiHarabasz": M.calinski_harabasz_score(X2, pred), "daviesBouldin": M.davies_bouldin_score(X2, pred)},
    "singleton": {"X": X3.tolist(), "labels": [0, 0, 0, 1, 1, 2],
                  "silhouette": M.silhouette_score(X3, [0, 0, 0, 1, 1, 2]), "silhouetteSamples": M.silhouette_samples(X3, [0, 0, 0, 1, 1, 2]).tolist(),
                  "calinskiHarabasz": M.calinski_harabasz_score(X3, [0, 0, 0, 1, 1, 2]), "daviesBouldin": M.davies_bouldin_score(X3, [0, 0, 0, 1, 1, 2])},
}

X4, _ = blobs(40, 3, 2.0)
hier = {"X": X4.tolist(), "methods": {}}
for method in ["ward", "complete", "average", "single"]:
    Z = hierarchy.linkage(X4, method)
    agg = AgglomerativeClustering(n_clusters=4, linkage=method).fit(X4)
    thr = float(np.median(Z[:, 2]))
    agg_t = AgglomerativeClustering(n_clusters=None, distance_threshold=thr, linkage=method).fit(X4)
    dn = hierarchy.dendrogram(Z, no_plot=True)
    hier["methods"][method] = {
        "Z": Z.tolist(), "labels4": agg.labels_.tolist(), "children": agg.children_.tolist(),
        "threshold": thr, "labelsThreshold": agg_t.labels_.tolist(), "nClustersThreshold": int(agg_t.n_clusters_),
        "fclusterMaxclust3": hierarchy.fcluster(Z, 3, "maxclust").tolist(), "fclusterDistance": hierarchy.fcluster(Z, thr, "distance").tolist(),
        "leaves": dn["leaves"], "icoord": dn["icoord"], "dcoord": dn["dcoord"],
    }

X5, _ = blobs(150, 3, 1.0)
X5 = np.vstack([X5, rng.uniform(-12, 12, (20, 2)).astype(np.float32)])  # noise
w5 = rng.randint(1, 4, len(X5)).astype(np.float64)
dbscan = {"X": X5.tolist(), "sampleWeight": w5.tolist(), "cases": []}
for eps, ms, weighted in [(0.8, 5, False), (1.5, 10, False), (0.6, 6, True)]:
    m = DBSCAN(eps=eps, min_samples=ms).fit(X5, sample_weight=w5 if weighted else None)
    dbscan["cases"].append({"eps": eps, "minSamples": ms, "weighted": weighted, "labels": m.labels_.tolist(), "core": m.core_sample_indices_.tolist()})

X6, _ = blobs(120, 3, 1.2, d=3)
gmm = {"X": X6.tolist(), "cases": {}}
for cov in ["full", "tied", "diag", "spherical"]:
    means0 = X6[[0, 40, 80]].astype(np.float64)
    weights0 = np.array([0.3, 0.3, 0.4])
    eye = np.eye(3)
    precisions0 = {"full": np.stack([eye * 0.5, eye * 0.8, eye * 1.1]), "tied": eye * 0.7,
                   "diag": np.array([[0.5, 0.6, 0.7], [0.8, 0.9, 1.0], [1.1, 1.2, 1.3]]), "spherical": np.array([0.5, 0.8, 1.1])}[cov]
    m = GaussianMixture(n_components=3, covariance_type=cov, weights_init=weights0, means_init=means0, precisions_init=precisions0, random_state=0)
    labels = m.fit_predict(X6)
    gmm["cases"][cov] = {
        "weightsInit": weights0.tolist(), "meansInit": means0.tolist(), "precisionsInit": precisions0.tolist(),
        "labels": labels.tolist(), "weights": m.weights_.tolist(), "means": m.means_.tolist(), "covariances": np.asarray(m.covariances_).tolist(),
        "nIter": int(m.n_iter_), "converged": bool(m.converged_), "lowerBound": float(m.lower_bound_),
        "proba": m.predict_proba(X6[:5]).tolist(), "scoreSamples": m.score_samples(X6[:5]).tolist(), "score": float(m.score(X6)),
        "bic": float(m.bic(X6)), "aic": float(m.aic(X6)),
    }

# Spectral clustering: cluster_qr labels are deterministic (and invariant to the eigenvectors' basis);
# k-means labels are compared up to a permutation. Two embeddings (connected graphs, distinct
# eigenvalues) are compared to 1e-4 after scikit-learn's sign flip.
sp_rng = np.random.RandomState(2)
def sp_blobs(n, k, d, spread):
    c = sp_rng.uniform(-6, 6, (k, d))
    y = np.arange(n) % k
    return (c[y] + sp_rng.normal(0, spread, (n, d))).astype(np.float32)
def rings(n):
    t = sp_rng.uniform(0, 2 * np.pi, n)
    r = np.where(np.arange(n) % 2 == 0, 1.0, 3.0) + sp_rng.normal(0, 0.1, n)
    return np.stack([r * np.cos(t), r * np.sin(t)], 1).astype(np.float32)
spectral = {}
for name, X, k, kw in [
    ("rbf_blobs_small", sp_blobs(120, 3, 2, 0.5), 3, dict(affinity="rbf", gamma=0.5)),  # the dense eigensolver
    ("rbf_blobs_large", sp_blobs(300, 4, 3, 1.0), 4, dict(affinity="rbf", gamma=0.2)),  # subspace iteration
    ("knn_rings", rings(400), 2, dict(affinity="nearest_neighbors", n_neighbors=8)),    # two components: labels up to a permutation
]:
    case = {"X": X.tolist(), "nClusters": k, **{("nNeighbors" if a == "n_neighbors" else a): v for a, v in kw.items()}}
    for assign in ["cluster_qr", "kmeans"]:
        m = SpectralClustering(n_clusters=k, assign_labels=assign, random_state=0, **kw).fit(X)
        case[assign] = m.labels_.tolist()
    if kw["affinity"] == "rbf":
        A = SpectralClustering(n_clusters=k, **kw).fit(X).affinity_matrix_
        case["embedding"] = spectral_embedding(A, n_components=k, drop_first=False, random_state=0).tolist()
    spectral[name] = case
# Agglomerative clustering under other metrics (SciPy's linkage, scikit-learn's children and labels),
# and from a precomputed distance matrix.
Xm = sp_blobs(45, 3, 4, 1.5) + 8  # away from the origin, so that cosine distances differ
from scipy.spatial.distance import pdist as sp_pdist, squareform as sp_squareform
metric_cases = []
for metric, scipy_metric in [("manhattan", "cityblock"), ("cosine", "cosine"), ("chebyshev", "chebyshev")]:
    for method in ["complete", "average", "single"]:
        agg = AgglomerativeClustering(n_clusters=3, linkage=method, metric=metric).fit(Xm)
        metric_cases.append({"metric": metric, "linkage": method, "Z": hierarchy.linkage(Xm, method, metric=scipy_metric).tolist(),
                             "children": agg.children_.tolist(), "labels": agg.labels_.tolist()})
Dm = sp_squareform(sp_pdist(Xm, "cityblock"))
for method in ["average", "single"]:
    agg = AgglomerativeClustering(n_clusters=3, linkage=method, metric="precomputed").fit(Dm)
    metric_cases.append({"metric": "precomputed", "linkage": method, "children": agg.children_.tolist(), "labels": agg.labels_.tolist()})
hier_metrics = {"X": Xm.tolist(), "D": Dm.tolist(), "cases": metric_cases}

# The four linkages under a connectivity graph: a k-nearest-neighbour graph (connected), one of two far groups
# (two components, joined first), and a 6 × 7 pixel grid (an image's intensities as the features).
from sklearn.neighbors import kneighbors_graph
from sklearn.feature_extraction.image import grid_to_graph
image = sp_rng.uniform(0, 1, (6, 7)).astype(np.float32)
image[:, :3] += 2
far = np.vstack([sp_blobs(20, 2, 2, 0.5), sp_blobs(15, 2, 2, 0.5) + 60]).astype(np.float32)
connectivity_cases = []
for name, X, C in [("knn", Xm, kneighbors_graph(Xm, 5, include_self=False)), ("two_components", far, kneighbors_graph(far, 3, include_self=False)),
                   ("grid", image.reshape(-1, 1), grid_to_graph(6, 7))]:
    for method in ["ward", "complete", "average", "single"]:
        agg = AgglomerativeClustering(n_clusters=3, linkage=method, connectivity=C, compute_distances=True).fit(X)
        connectivity_cases.append({"name": f"{method}, {name}", "linkage": method, "X": X.tolist(), "connectivity": C.toarray().astype(int).tolist(), "children": agg.children_.tolist(),
                                  "distances": agg.distances_.tolist(), "labels": agg.labels_.tolist(), "nConnectedComponents": int(agg.n_connected_components_)})

sym = sp_rng.normal(size=(7, 7)); sym = sym + sym.T
w_, v_ = np.linalg.eigh(sym)
spectral_eigen = {"A": sym.tolist(), "values": w_.tolist(), "vectors": v_.tolist()}

out = {"generator": "tools/make_cluster_fixtures.py", "sklearn": sklearn.__version__, "kmeans": KMEANS, "miniBatch": MINIBATCH, "spectral": spectral, "hierarchyMetrics": hier_metrics, "connectivity": connectivity_cases, "eigen": spectral_eigen, "labelMetrics": label_metrics, "geometricMetrics": geometric, "hierarchy": hier, "dbscan": dbscan, "gaussianMixture": gmm}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "cluster.json")
with open(path, "w") as f:
    json.dump(out, f)
    f.write("\n")
print(f"wrote {len(KMEANS)} KMeans cases and {len(label_metrics) + len(geometric)} metric cases to {os.path.normpath(path)}")
