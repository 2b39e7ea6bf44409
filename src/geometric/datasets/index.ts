/** geometric.datasets — graphs read from local files (nothing is downloaded) and the embedded karate club. */
export { GraphDataset, type GraphTransform } from "./graph-dataset.js";
export { KarateClub } from "./karate.js";
export { Planetoid, readPlanetoid, type PlanetoidOptions, type PlanetoidName } from "./planetoid.js";
export { TUDataset, readTU, type TUDatasetOptions } from "./tu.js";
