/** Conv1d/2d/3d and ConvTranspose1d/2d/3d with PyTorch's arguments, defaults and initialisation. */
import { checkOptions, type OptionKind } from "../../base/options.js";
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import type { Pair } from "../../ops/windows.js";
import { empty } from "../empty.js";
import { conv1d, conv2d, convTranspose2d, type Padding } from "../functional/conv.js";
import { conv3d, convTranspose1d, convTranspose3d, type Triple } from "../functional/conv3d.js";
import { pad } from "../functional/padding.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

/** T: an int or a tuple per spatial dim (Pair for 1-D and 2-D, Triple for 3-D). */
export interface ConvLayerOptions<T = Pair> {
  stride?: T;
  padding?: T | "same" | "valid";
  dilation?: T;
  groups?: number;
  bias?: boolean;
  /** How the padding is filled: zeros, or the input reflected, replicated or wrapped around (padded before the convolution). */
  paddingMode?: "zeros" | "reflect" | "replicate" | "circular";
}

const CONV_OPTIONS = {
  stride: "any", padding: "any", dilation: "any", groups: "integer", bias: "boolean", paddingMode: ["zeros", "reflect", "replicate", "circular"],
} as const satisfies { readonly [K in keyof Required<ConvLayerOptions>]: OptionKind };

const tuple = (v: Pair | Padding | Triple, n: number): string =>
  typeof v === "string" ? `'${v}'` : `(${(typeof v === "number" ? new Array<number>(n).fill(v) : [...v]).join(", ")}${n === 1 ? "," : ""})`;

/** Shared by every convolution: parameters, PyTorch's init, the repr. */
abstract class ConvNd<T extends Pair | Triple = Pair> extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly stride: T;
  readonly padding: T | "same" | "valid";
  readonly dilation: T;
  readonly groups: number;
  readonly paddingMode: NonNullable<ConvLayerOptions["paddingMode"]>;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: readonly number[],
    weightShape: number[],
    opts: ConvLayerOptions<T>,
  ) {
    super();
    this.stride = opts.stride ?? (1 as T);
    this.padding = opts.padding ?? (0 as T);
    this.dilation = opts.dilation ?? (1 as T);
    this.groups = opts.groups ?? 1;
    this.paddingMode = opts.paddingMode ?? "zeros";
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(`${new.target.name}: in_channels (${inChannels}) and out_channels (${outChannels}) must be divisible by groups (${this.groups})`);
    }
    this.weight = new Parameter(empty(weightShape));
    this.bias = opts.bias ?? true ? new Parameter(empty([outChannels])) : null;
    this.resetParameters();
  }

  /** kaiming_uniform(a=√5) for the weight, U(±1/√fanIn) for the bias, as PyTorch. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = init.computeFans(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  /**
   * For a padding mode other than zeros: the input padded by that mode (F.pad's order, last dim
   * first; "same" splits the total as PyTorch does) and no padding left for the convolution.
   */
  protected modePadded(x: Tensor): [Tensor, T | "same" | "valid"] {
    if (this.paddingMode === "zeros" || this.padding === "valid") return [x, this.padding];
    const n = this.kernelSize.length;
    const per = (v: Pair | Padding | Triple, i: number) => (typeof v === "number" ? v : (v as readonly number[])[i]!);
    const amounts = Array.from({ length: n }, (_, j) => {
      const i = n - 1 - j; // last spatial dim first
      if (this.padding === "same") {
        const total = per(this.dilation, i) * (this.kernelSize[i]! - 1);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      }
      const p = per(this.padding, i);
      return [p, p];
    }).flat();
    // Unbatched inputs get a batch dim for the padding (reflect/replicate/circular need [N, C, …]).
    const batched = x.ndim === n + 2 ? x : x.unsqueeze(0);
    const padded = pad(batched, amounts, this.paddingMode);
    return [x.ndim === n + 2 ? padded : padded.squeeze(0), 0 as T];
  }

  protected checkInput(x: Tensor, spatial: number): void {
    const channelDim = x.ndim - spatial - 1;
    if ((x.ndim !== spatial + 2 && x.ndim !== spatial + 1) || x.shape[channelDim] !== this.inChannels) {
      const dims = ["N", String(this.inChannels), ...["D", "H", "W"].slice(3 - spatial)].join(", ");
      throw new ShapeError(`${this.constructor.name}(${this.inChannels} → ${this.outChannels}) expected input [${dims}], got shape ${fmtShape(x.shape)}`);
    }
  }

  override extraRepr(): string {
    const n = this.kernelSize.length;
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${tuple(this.kernelSize as [number, number], n)}`, `stride=${tuple(this.stride, n)}`];
    if (this.padding !== 0) parts.push(`padding=${tuple(this.padding, n)}`);
    if (this.dilation !== 1) parts.push(`dilation=${tuple(this.dilation, n)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push("bias=False");
    if (this.paddingMode !== "zeros") parts.push(`padding_mode=${this.paddingMode}`);
    return parts.join(", ");
  }
}

const kernelPair = (k: Pair): [number, number] => (typeof k === "number" ? [k, k] : [k[0], k[1]]);

export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: ConvLayerOptions = {}) {
    super(inChannels, outChannels, [kernelSize], [outChannels, inChannels / (checkOptions("Conv1d", opts, CONV_OPTIONS).groups ?? 1), kernelSize], opts);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, 1);
    const [input, padding] = this.modePadded(x);
    return conv1d(input, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}

export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts: ConvLayerOptions = {}) {
    const k = kernelPair(kernelSize);
    super(inChannels, outChannels, k, [outChannels, inChannels / (checkOptions("Conv2d", opts, CONV_OPTIONS).groups ?? 1), ...k], opts);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, 2);
    const [input, padding] = this.modePadded(x);
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}

export interface ConvTransposeLayerOptions<T = Pair> extends Omit<ConvLayerOptions<T>, "padding"> {
  padding?: T;
  outputPadding?: T;
}

const kernelTriple = (k: Triple): [number, number, number] => (typeof k === "number" ? [k, k, k] : [k[0], k[1], k[2]]);

export class Conv3d extends ConvNd<Triple> {
  constructor(inChannels: number, outChannels: number, kernelSize: Triple, opts: ConvLayerOptions<Triple> = {}) {
    const k = kernelTriple(kernelSize);
    super(inChannels, outChannels, k, [outChannels, inChannels / (checkOptions("Conv3d", opts, CONV_OPTIONS).groups ?? 1), ...k], opts);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, 3);
    const [input, padding] = this.modePadded(x);
    return conv3d(input, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}

/** Shared by the transposed convolutions: weight [in, out/groups, …kernel], zeros padding only (as PyTorch). */
abstract class ConvTransposeNd<T extends Pair | Triple> extends ConvNd<T> {
  readonly outputPadding: T;

  constructor(inChannels: number, outChannels: number, kernel: number[], opts: ConvTransposeLayerOptions<T>, name: string) {
    super(inChannels, outChannels, kernel, [inChannels, outChannels / (checkOptions(name, opts, { ...CONV_OPTIONS, outputPadding: "any" }).groups ?? 1), ...kernel], opts);
    this.outputPadding = opts.outputPadding ?? (0 as T);
    if (this.paddingMode !== "zeros") throw new ValueError(`${name}: only paddingMode 'zeros' is supported, as in PyTorch; got '${this.paddingMode}'`);
  }

  override extraRepr(): string {
    const base = super.extraRepr();
    return this.outputPadding !== 0 ? `${base}, output_padding=${tuple(this.outputPadding, this.kernelSize.length)}` : base;
  }
}

export class ConvTranspose1d extends ConvTransposeNd<number> {
  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: ConvTransposeLayerOptions<number> = {}) {
    super(inChannels, outChannels, [kernelSize], opts, "ConvTranspose1d");
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, 1);
    return convTranspose1d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding as number, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups,
    });
  }
}

export class ConvTranspose3d extends ConvTransposeNd<Triple> {
  constructor(inChannels: number, outChannels: number, kernelSize: Triple, opts: ConvTransposeLayerOptions<Triple> = {}) {
    super(inChannels, outChannels, kernelTriple(kernelSize), opts, "ConvTranspose3d");
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, 3);
    return convTranspose3d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding as Triple, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups,
    });
  }
}

export class ConvTranspose2d extends ConvTransposeNd<Pair> {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts: ConvTransposeLayerOptions = {}) {
    super(inChannels, outChannels, kernelPair(kernelSize), opts, "ConvTranspose2d");
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, 2);
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding as Pair, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups,
    });
  }
}
