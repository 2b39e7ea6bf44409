/**
 * The core of the Tensor: a strided view onto backend storage, its place in the autograd graph, and
 * reading its data. Tensor (ops/tensor.ts) extends it with the method sugar; this file imports
 * nothing above the backends, so it stays outside the sugar's import cycle.
 */
import type { Backend, Storage, View } from "../backend/backend.js";
import type { Node } from "./tape.js";
import type { Tensor } from "./tensor.js";
import { isFloating, type AnyTypedArray, type DType } from "../base/dtype.js";
import { AutogradError, DTypeError, ValueError, fmtShape } from "../base/errors.js";
import { formatTensor } from "../base/format.js";
import { RemovableHandle, type GradHook } from "../base/hooks.js";
import { contiguousStrides, isContiguous, normalizeDim, numel, type Shape } from "../base/shape.js";

/** What `tolist()` returns: numbers (booleans for bool tensors), nested by dim. */
export type TensorData = number | boolean | TensorData[];

export class TensorCore implements View {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  /** Set by the op layer when this tensor is the output of a recorded primitive. */
  gradFn: Node | null = null;
  /** Accumulated gradient of a leaf (or of a non-leaf after retainGrad()). */
  grad: Tensor | null = null;
  private leafRequiresGrad = false;
  private keepsGrad = false;
  /** Gradient hooks (registerHook), run by backward on this tensor's whole gradient. */
  gradHooks: GradHook[] | null = null;
  /** Hooks run once a leaf's .grad holds all of a backward pass's gradient (registerPostAccumulateGradHook). */
  postAccumulateGradHooks: ((t: Tensor) => void)[] | null = null;

  constructor(
    readonly storage: Storage,
    shape: Shape,
    strides: Shape = contiguousStrides(shape),
    readonly offset = 0,
  ) {
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze([...strides]);
  }

  // ---- metadata -------------------------------------------------------------------------------

  get dtype(): DType {
    return this.storage.dtype;
  }

  get backend(): Backend {
    return this.storage.backend;
  }

  get ndim(): number {
    return this.shape.length;
  }

  dim(): number {
    return this.shape.length;
  }

  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    return dim === undefined ? [...this.shape] : this.shape[normalizeDim(dim, this.ndim, "size")]!;
  }

  numel(): number {
    return numel(this.shape);
  }

  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  // ---- autograd -------------------------------------------------------------------------------

  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.gradFn !== null;
  }

  set requiresGrad(flag: boolean) {
    if (this.gradFn !== null) {
      if (!flag) throw new AutogradError("requiresGrad can only be turned off on leaf tensors; use detach()");
      return;
    }
    if (flag && !isFloating(this.dtype)) {
      throw new DTypeError(`only floating point tensors can require gradients, got dtype ${this.dtype}`);
    }
    this.leafRequiresGrad = flag;
  }

  /** In-place setter returning this, as PyTorch's `requires_grad_()`. */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Whether a non-leaf keeps its gradient in `.grad` (see retainGrad()). */
  get retainsGrad(): boolean {
    return this.keepsGrad;
  }

  retainGrad(): this {
    if (!this.requiresGrad) throw new AutogradError("retainGrad: can't retain the gradient of a tensor that does not require grad");
    if (!this.isLeaf) this.keepsGrad = true;
    return this;
  }

  /** Undoes retainGrad() (used by autograd.grad to leave tensors as it found them). */
  stopRetainingGrad(): void {
    this.keepsGrad = false;
  }

  /**
   * PyTorch's `register_hook`: backward calls `hook` with this tensor's gradient (summed over all
   * its uses) before passing it on or accumulating it; a returned tensor replaces the gradient.
   */
  registerHook(hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) throw new AutogradError("registerHook: can't register a hook on a tensor that does not require grad");
    const hooks = (this.gradHooks ??= []);
    hooks.push(hook);
    return new RemovableHandle(() => {
      const i = hooks.indexOf(hook);
      if (i >= 0) hooks.splice(i, 1);
    });
  }

  /**
   * PyTorch's `register_post_accumulate_grad_hook`: on a leaf, backward calls `hook(this)` as soon
   * as this pass has added all of its gradient into `.grad` — while the rest of the pass still
   * runs, which is when data-parallel training starts averaging it.
   */
  registerPostAccumulateGradHook(hook: (t: Tensor) => void): RemovableHandle {
    if (!this.isLeaf || !this.requiresGrad) throw new AutogradError("registerPostAccumulateGradHook: only a leaf tensor that requires grad accumulates a gradient");
    const hooks = (this.postAccumulateGradHooks ??= []);
    hooks.push(hook);
    return new RemovableHandle(() => {
      const i = hooks.indexOf(hook);
      if (i >= 0) hooks.splice(i, 1);
    });
  }

  // ---- data out -------------------------------------------------------------------------------

  /** The elements in row-major order, as a new typed array of this dtype. */
  dataSync(): AnyTypedArray {
    return this.backend.toArray(this);
  }

  /** The elements, read asynchronously: the form that works on every backend, the GPU's included. */
  async data(): Promise<AnyTypedArray> {
    return this.backend.read ? this.backend.read(this) : this.dataSync();
  }

  item(): number {
    return this.checkedItem(this.dataSync());
  }

  /** item() on any backend: a GPU tensor is read asynchronously. */
  async itemAsync(): Promise<number> {
    return this.checkedItem(await this.data());
  }

  private checkedItem(flat: AnyTypedArray): number {
    if (this.numel() !== 1) {
      throw new ValueError(`item: a tensor with ${this.numel()} elements (shape ${fmtShape(this.shape)}) cannot be converted to a number`);
    }
    return flat[0]!;
  }

  tolist(): TensorData {
    return this.nest(this.dataSync());
  }

  /** tolist() on any backend: a GPU tensor is read asynchronously. */
  async tolistAsync(): Promise<TensorData> {
    return this.nest(await this.data());
  }

  private nest(flat: AnyTypedArray): TensorData {
    const isBool = this.dtype === "bool";
    const build = (dim: number, start: number): TensorData => {
      if (dim === this.ndim) return isBool ? flat[start] === 1 : flat[start]!;
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, start + i * stride));
    };
    return build(0, 0);
  }

  toString(): string {
    const suffix: string[] = [];
    if (this.gradFn) suffix.push(`grad_fn=<${this.gradFn.name}>`);
    else if (this.requiresGrad) suffix.push("requires_grad=True");
    return formatTensor(this.dataSync(), this.shape, this.dtype, suffix);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Frees the storage now instead of waiting for garbage collection. Views of it die too. */
  dispose(): void {
    this.backend.dispose(this.storage);
  }
}
