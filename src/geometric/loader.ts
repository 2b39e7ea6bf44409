/** A DataLoader whose batches are graphs joined into one Batch (PyG's loader.DataLoader). */
import { DataLoader as BaseLoader, type DataLoaderOptions } from "../data/dataloader.js";
import { Dataset } from "../data/dataset.js";
import { Batch, type Data, type FromDataListOptions } from "./data.js";

class ListDataset extends Dataset<Data> {
  constructor(private readonly items: readonly Data[]) {
    super();
  }
  get length(): number {
    return this.items.length;
  }
  get(i: number): Data {
    this.checkIndex(i);
    return this.items[i]!;
  }
}

export type GraphLoaderOptions = Omit<DataLoaderOptions<Data, Batch>, "collateFn"> & FromDataListOptions;

export class DataLoader extends BaseLoader<Data, Batch> {
  constructor(dataset: Dataset<Data> | readonly Data[], options: GraphLoaderOptions = {}) {
    const { followBatch, excludeKeys, ...rest } = options;
    super(Array.isArray(dataset) ? new ListDataset(dataset) : (dataset as Dataset<Data>), {
      ...rest,
      collateFn: (graphs: Data[]) => Batch.fromDataList(graphs, { followBatch: followBatch ?? [], excludeKeys: excludeKeys ?? [] }),
    });
  }
}
