/**
 * Ready-made stacks (PyG's nn.models.GCN, GAT, GraphSAGE, GIN): numLayers convolutions with an
 * activation and dropout between them; the last layer maps to outChannels (or hiddenChannels).
 */
import { ValueError } from "../../base/errors.js";
import { checkOptions } from "../../base/options.js";
import type { Tensor } from "../../ops/tensor.js";
import { dropout } from "../../nn/functional/basic.js";
import { ModuleList, Sequential } from "../../nn/layers/container.js";
import { Linear } from "../../nn/layers/linear.js";
import { ReLU } from "../../nn/layers/activation.js";
import { Module } from "../../nn/module.js";
import { elu, leakyRelu } from "../../ops/composite/activations.js";
import { GATConv } from "./gat-conv.js";
import { GCNConv } from "./gcn-conv.js";
import { GINConv } from "./gin-conv.js";
import { SAGEConv } from "./sage-conv.js";

export type Activation = "relu" | "elu" | "leakyRelu" | "tanh" | ((x: Tensor) => Tensor);

const ACTIVATIONS: Record<Exclude<Activation, (x: Tensor) => Tensor>, (x: Tensor) => Tensor> = {
  relu: (x) => x.relu(),
  elu: (x) => elu(x),
  leakyRelu: (x) => leakyRelu(x, 0.01),
  tanh: (x) => x.tanh(),
};

export interface BasicGNNOptions {
  outChannels?: number | null;
  dropout?: number;
  act?: Activation;
  /** GAT only: attention heads of the hidden layers (their outputs concatenate to hiddenChannels). */
  heads?: number;
}

type Conv = Module<[Tensor, Tensor], Tensor>;

export abstract class BasicGNN extends Module<[x: Tensor, edgeIndex: Tensor], Tensor> {
  readonly convs: ModuleList<Conv>;
  protected readonly p: number;
  protected readonly act: (x: Tensor) => Tensor;

  constructor(readonly inChannels: number, readonly hiddenChannels: number, readonly numLayers: number, options: BasicGNNOptions = {}) {
    super();
    checkOptions(this.constructor.name, options, { outChannels: "any", dropout: "number", act: "any", heads: "integer" });
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ValueError(`${this.constructor.name}: numLayers must be a positive integer, got ${numLayers}`);
    const out = options.outChannels ?? hiddenChannels;
    this.p = options.dropout ?? 0;
    const act = options.act ?? "relu";
    this.act = typeof act === "function" ? act : ACTIVATIONS[act];
    this.convs = new ModuleList(
      Array.from({ length: numLayers }, (_, i) => this.initConv(i === 0 ? inChannels : hiddenChannels, i === numLayers - 1 ? out : hiddenChannels, i === numLayers - 1, options)),
    );
  }

  protected abstract initConv(inChannels: number, outChannels: number, last: boolean, options: BasicGNNOptions): Conv;

  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    const convs = [...this.convs];
    let h = x;
    convs.forEach((conv, i) => {
      h = conv.forward(h, edgeIndex);
      if (i < convs.length - 1) h = dropout(this.act(h), this.p, this.training);
    });
    return h;
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.hiddenChannels}, num_layers=${this.numLayers}`;
  }
}

export class GCN extends BasicGNN {
  protected initConv(i: number, o: number): Conv {
    return new GCNConv(i, o);
  }
}

export class GraphSAGE extends BasicGNN {
  protected initConv(i: number, o: number): Conv {
    return new SAGEConv(i, o);
  }
}

export class GIN extends BasicGNN {
  protected initConv(i: number, o: number): Conv {
    return new GINConv(new Sequential(new Linear(i, o), new ReLU(), new Linear(o, o)), { trainEps: false });
  }
}

export class GAT extends BasicGNN {
  protected initConv(i: number, o: number, last: boolean, options: BasicGNNOptions): Conv {
    const heads = options.heads ?? 1;
    if (last) return new GATConv(i, o, { heads: 1, concat: false });
    if (o % heads !== 0) throw new ValueError(`GAT: hiddenChannels (${o}) must be divisible by heads (${heads})`);
    return new GATConv(i, o / heads, { heads, concat: true });
  }
}
