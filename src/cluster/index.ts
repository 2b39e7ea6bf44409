/** tg.cluster — clustering with scikit-learn's API in camelCase (`import { cluster } from "tensorgrad"`). */
export { KMeans, type KMeansOptions } from "./kmeans.js";
export { CentroidClustering, type SampleWeightOption } from "./centroids.js";
export { MiniBatchKMeans, type MiniBatchKMeansOptions } from "./mini-batch-kmeans.js";
export { kmeansPlusPlus, type KMeansPlusPlusOptions } from "./kmeans-plus-plus.js";
export { squaredDistances } from "./distances.js";
export * as metrics from "./metrics.js";
export type { ArrayLike2D, Labels } from "./input.js";
export { AgglomerativeClustering, type AgglomerativeOptions } from "./agglomerative.js";
export { linkage, fcluster, dendrogram, pdist, squareform, type DistanceMetric, type LinkageMethod, type LinkageMatrix, type Dendrogram, type FclusterCriterion } from "./hierarchy.js";
export { DBSCAN, type DBSCANOptions } from "./dbscan.js";
export { SpectralClustering, spectralEmbedding, clusterQr, type SpectralClusteringOptions } from "./spectral.js";
export { symmetricEigen, type SymmetricEigen } from "../ops/linalg/symmetric-eigen.js";
export { GaussianMixture, type GaussianMixtureOptions, type CovarianceType } from "./gaussian-mixture.js";
export { elbowSweep, silhouetteSweep, type SweepOptions, type SweepResult } from "./sweeps.js";
export { linearSumAssignment, clusteringAccuracy } from "./assignment.js";
export { DEC, type DECOptions, type PretrainOptions, type RefineOptions } from "./dec.js";
export * as rl from "./rl/index.js";
