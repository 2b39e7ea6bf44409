/** A dataset of graphs (PyG's InMemoryDataset): items are Data, optionally transformed on access. */
import { Dataset } from "../../data/dataset.js";
import { Tensor } from "../../ops/tensor.js";
import type { Data } from "../data.js";

export type GraphTransform = (data: Data) => Data;

export class GraphDataset extends Dataset<Data> {
  constructor(protected readonly graphs: readonly Data[], readonly transform: GraphTransform | null = null) {
    super();
  }

  get length(): number {
    return this.graphs.length;
  }

  get(index: number): Data {
    this.checkIndex(index < 0 ? index + this.length : index);
    const g = this.graphs.at(index)!;
    return this.transform ? this.transform(g) : g;
  }

  /** Node classes (or graph classes) seen in y: max + 1. */
  get numClasses(): number {
    const ys = this.graphs.map((g) => g.y).filter((y): y is Tensor => y instanceof Tensor && y.numel() > 0);
    return ys.length ? Math.max(...ys.map((y) => Math.max(...y.dataSync()))) + 1 : 0;
  }

  get numNodeFeatures(): number {
    return this.graphs.length ? this.get(0).numNodeFeatures : 0;
  }

  get numFeatures(): number {
    return this.numNodeFeatures;
  }

  get numEdgeFeatures(): number {
    return this.graphs.length ? this.get(0).numEdgeFeatures : 0;
  }
}
