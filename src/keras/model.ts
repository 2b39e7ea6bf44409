/**
 * Sequential models with Keras' training surface: compile, fit, evaluate, predict, summary, save.
 * The weights live in tg.nn modules (one per built layer, registered under the layer's name), so
 * stateDict(), optimizers and safetensors all work on them as on any Module.
 */
import { checkOptions, type OptionKind } from "../base/options.js";
import { noGrad } from "../ops/grad-mode.js";
import { scope } from "../base/scope.js";
import { DataError, DeviceError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Backend } from "../backend/backend.js";
import { getBackend } from "../backend/registry.js";
import { defaultGenerator } from "../base/rng.js";
import { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { Module, type StateDict } from "../nn/module.js";
import { DataLoader } from "../data/dataloader.js";
import { IterableDataset, TensorDataset } from "../data/dataset.js";
import { encodeSafetensors } from "../io/safetensors.js";
import { writeFileAtomic, writeFolderAtomic } from "../io/atomic.js";
import { zipSync } from "fflate";
import { concatBytes } from "../base/bytes.js";
import type { Optimizer } from "../optim/optimizer.js";
import { Callback, History, type CallbackModel, type Logs } from "./callbacks.js";
import { KerasTensor, Layer, type Shape } from "./layer.js";
import { InputLayer } from "./layers/index.js";
import { getLoss, type LossFn } from "./losses.js";
import { getMetric, packBatch, type Metric, type MetricSpec } from "./metrics.js";
import { readAsync, readSync, type Reads } from "../ops/readback.js";
import { getOptimizer, type OptimizerFactory } from "./optimizers.js";
import { ProgressBar, defaultOutput, formatLogs, type Output } from "./progress.js";
import { summarize } from "./summary.js";
import type { Distribution, DistributionSampler } from "./distribution.js";

/** Holds the built layers' modules under the layers' names. */
class Weights extends Module<[], never> {
  forward(): never {
    throw new Error("Weights is a container");
  }
}

export interface CompileOptions {
  optimizer?: string | OptimizerFactory;
  loss: string | LossFn;
  metrics?: MetricSpec[];
}

/** Inputs and targets: tensors (or nested number arrays), or a DataLoader yielding [x, y]. */
type Data = Tensor | number[] | number[][] | number[][][];

export interface EvaluateOptions {
  batchSize?: number;
  /** 0: silent; 1 and 2 (Keras' per-epoch line): one summary line. */
  verbose?: 0 | 1 | 2;
  output?: Output;
  /** Return {loss, metric: value} instead of Keras' list. */
  returnDict?: boolean;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  validationData?: [Tensor, Tensor];
  shuffle?: boolean;
  /** Per-class loss weights for class-index targets. */
  classWeight?: Record<number, number>;
  initialEpoch?: number;
  /** 0 silent, 1 progress bar (a line per epoch off a terminal), 2 a line per epoch. */
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  /** Where progress goes (default process.stdout; the console in browsers). */
  output?: Output;
  /**
   * Data-parallel training over processes (Keras 3's distribution): `new tg.distributed.DataParallel()`.
   * Each process trains on its share of x and y with the same weights; a DataLoader given as x is
   * used as it is (give it a DistributedSampler).
   */
  distribution?: Distribution;
}

const FIT_OPTIONS = {
  epochs: "integer", batchSize: "integer", validationSplit: "number", validationData: "array", shuffle: "boolean", classWeight: "object",
  initialEpoch: "integer", verbose: [0, 1, 2], callbacks: "array", output: "object", distribution: "object",
} as const satisfies { readonly [K in keyof Required<FitOptions>]: OptionKind };

// `any`: fit accepts loaders of any sample and batch types.
type AnyLoader = DataLoader<any, any>;

const toTensor = (d: Data | Tensor): Tensor => (d instanceof Tensor ? d : tensor(d));

/** The training surface shared by Sequential and functional models. */
export abstract class BaseModel implements CallbackModel {
  readonly weights = new Weights();
  stopTraining = false;
  optimizer: Optimizer<{ lr: number }> | null = null;
  private lossFn: LossFn | null = null;
  private lossName = "loss";
  private metricSpecs: MetricSpec[] = [];
  private compileConfig: { optimizer?: string; loss?: string; metrics?: string[] } = {};
  private optimizerFactory: OptimizerFactory | null = null;
  /** The current epoch's progress bar (fit ends it after validation). */
  private lastBar: ProgressBar | null = null;
  /** Distributions whose prepare() ran for this model (weights made equal across processes once). */
  private readonly prepared = new WeakSet<Distribution>();

  constructor(readonly opts: { name?: string } = {}) {}

  abstract get name(): string;
  abstract readonly layers: readonly Layer[];
  abstract get built(): boolean;
  /** Builds every layer for an input shape (without the batch dim). */
  abstract build(inputShape: Shape): void;
  /** Runs the model (training mode turns on dropout and batch statistics). */
  abstract call(x: Tensor, training?: boolean): Tensor;
  /** The output shape without the batch dim. */
  abstract outputShape(): Shape;
  /** The (first) input's shape without the batch dim, once known. */
  abstract inputShape(): Shape | null;
  /** Each layer's output shape, in the order of `layers` (for summary()). */
  abstract layerOutputShapes(): (Shape | null)[];
  /** The architecture as JSON (see serialization.ts). */
  protected abstract architecture(): { className: string; config: Record<string, unknown> };

  /** Registers a built layer's weights under the layer's name. */
  protected track(layer: Layer): void {
    if (layer.module) this.weights.registerModule(layer.name, layer.module);
  }

  compile(options: CompileOptions): void {
    checkOptions("compile", options, { optimizer: "any", loss: "any", metrics: "array" } satisfies { [K in keyof Required<CompileOptions>]: OptionKind });
    const { optimizer = "rmsprop", loss, metrics = [] } = options;
    const l = getLoss(loss);
    this.lossFn = l.fn;
    this.lossName = l.name;
    this.metricSpecs = metrics;
    this.optimizerFactory = getOptimizer(optimizer);
    this.optimizer = null; // created on first fit, once the weights exist
    this.compileConfig = {
      ...(typeof optimizer === "string" ? { optimizer } : {}),
      ...(typeof loss === "string" ? { loss } : {}),
      metrics: metrics.filter((m): m is string => typeof m === "string"),
    };
  }

  private requireCompiled(op: string): LossFn {
    if (!this.lossFn) throw new ValueError(`${op}: call compile({optimizer, loss, metrics}) first`);
    return this.lossFn;
  }

  private makeMetrics(outputWidth: number): Metric[] {
    return this.metricSpecs.map((m) => getMetric(m, this.lossName, outputWidth));
  }

  private outputWidth(): number {
    const shape = this.outputShape();
    return (shape[shape.length - 1] as number | null) ?? 0;
  }

  private loader(x: Tensor, y: Tensor, batchSize: number, shuffle: boolean): DataLoader<[Tensor, Tensor]> {
    if (x.shape[0] !== y.shape[0]) throw new ShapeError(`fit: x has ${x.shape[0]} samples but y has ${y.shape[0]} (shapes ${fmtShape(x.shape)} and ${fmtShape(y.shape)})`);
    return new DataLoader(new TensorDataset(x, y), { batchSize, shuffle, generator: defaultGenerator });
  }

  /** Mean per-sample loss of a batch, with classWeight applied as Keras does. */
  private batchLoss(y: Tensor, pred: Tensor, classWeight?: Record<number, number>): Tensor {
    const perSample = this.requireCompiled("fit")(y, pred);
    if (!classWeight) return perSample.mean();
    const ids = (y.ndim > 1 && y.shape[y.ndim - 1]! > 1 ? y.argmax(-1) : y.reshape(-1)).int();
    // A lookup table on the labels' device, so the weights are gathered there without a read.
    const table = new Array<number>(Math.max(this.outputWidth(), ...Object.keys(classWeight).map((k) => Number(k) + 1))).fill(1);
    for (const [c, w] of Object.entries(classWeight)) table[Number(c)] = w;
    const w = tensor(table, { dtype: perSample.dtype, device: ids.backend }).indexSelect(0, ids);
    return perSample.mul(w).mean();
  }

  /** The backend the weights live on (batches are moved there), once built. */
  private device(): Backend | null {
    return this.weights.parameters()[0]?.backend ?? null;
  }

  /** The batch on the weights' device, as Keras places data where the model runs. */
  private onDevice(t: Tensor): Tensor {
    const device = this.device();
    return device && t.backend !== device ? t.toBackend(device) : t;
  }

  /** The synchronous loops cannot wait for a GPU read: say which form to call. */
  private requireSyncDevice(op: string): void {
    // (Weights not built yet will be made on the default device.)
    const device = this.device() ?? getBackend();
    if (device?.read) throw new DeviceError(`${op}: the model's weights are on '${device.name}', whose reads are asynchronous; use await model.${op}Async(...)`);
  }

  /**
   * Trains for the given epochs, as Keras' fit. Synchronous on the CPU backends; a model on the GPU
   * trains with `await model.fitAsync(...)` (the same loop, awaiting each step's numbers).
   */
  fit(x: Data | AnyLoader, y?: Data | FitOptions, options?: FitOptions): History {
    this.requireSyncDevice("fit");
    return readSync(this.fitLoop(x, y, options));
  }

  /** fit() on any device: resolves when training ends. */
  fitAsync(x: Data | AnyLoader, y?: Data | FitOptions, options?: FitOptions): Promise<History> {
    return readAsync(this.fitLoop(x, y, options));
  }

  private *fitLoop(x: Data | AnyLoader, y?: Data | FitOptions, options?: FitOptions): Reads<History> {
    const fromLoader = x instanceof DataLoader;
    const opts = checkOptions("fit", (fromLoader ? (y as FitOptions | undefined) : options) ?? {}, FIT_OPTIONS);
    const { epochs = 1, batchSize = 32, validationSplit = 0, shuffle = true, classWeight, initialEpoch = 0, verbose = 1, callbacks = [], output = defaultOutput(), distribution } = opts;
    let sampler: DistributionSampler | null = null;
    let train: AnyLoader;
    let validation = opts.validationData ? ([toTensor(opts.validationData[0]), toTensor(opts.validationData[1])] as [Tensor, Tensor]) : null;
    if (fromLoader) train = x;
    else {
      let xs = toTensor(x);
      let ys = toTensor(y as Data);
      if (validationSplit > 0 && !validation) {
        if (!(validationSplit < 1)) throw new ValueError(`fit: validationSplit must be in [0, 1), got ${validationSplit}`);
        // Keras takes the last samples, before any shuffling.
        const nTrain = Math.floor(xs.shape[0]! * (1 - validationSplit));
        validation = [xs.narrow(0, nTrain, xs.shape[0]! - nTrain), ys.narrow(0, nTrain, ys.shape[0]! - nTrain)];
        xs = xs.narrow(0, 0, nTrain);
        ys = ys.narrow(0, 0, nTrain);
      }
      if (distribution) {
        if (xs.shape[0] !== ys.shape[0]) throw new ShapeError(`fit: x has ${xs.shape[0]} samples but y has ${ys.shape[0]}`);
        const dataset = new TensorDataset(xs, ys);
        sampler = distribution.sampler(dataset, shuffle);
        train = new DataLoader(dataset, { batchSize, sampler });
      } else train = this.loader(xs, ys, batchSize, shuffle);
    }
    const history = new History();
    const all = [history, ...callbacks];
    for (const c of all) c.setModel(this);
    this.stopTraining = false;
    for (const c of all) c.onTrainBegin();
    for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
      for (const c of all) c.onEpochBegin(epoch);
      if (verbose) output.write(`Epoch ${epoch + 1}/${epochs}\n`);
      // verbose 2: the same final line as a non-terminal gets, without the live bar.
      const progress = verbose === 1 ? output : verbose === 2 ? { write: (t: string) => output.write(t), isTTY: false } : null;
      sampler?.setEpoch(epoch);
      let logs = yield* this.trainEpoch(train, classWeight, progress, all, distribution ?? null);
      if (distribution) logs = distribution.reduceLogs(logs);
      if (validation) {
        const v = yield* this.evaluateLoop(validation[0], validation[1], { batchSize, verbose: 0, returnDict: true });
        for (const [k, val] of Object.entries(v as Logs)) logs[`val_${k}`] = val;
      }
      if (verbose) this.lastBar?.end(logs);
      for (const c of all) c.onEpochEnd(epoch, logs);
    }
    for (const c of all) c.onTrainEnd();
    return history;
  }

  private *trainEpoch(loader: AnyLoader, classWeight: Record<number, number> | undefined, out: Output | null, callbacks: Callback[], distribution: Distribution | null): Reads<Logs> {
    if (!this.optimizer) {
      if (!this.built) {
        // The weights must exist before the optimizer: build from one sample's shape.
        if (loader.dataset instanceof IterableDataset) throw new ValueError("fit: build the model (give the first layer an inputShape) before fitting on an IterableDataset");
        const sample = loader.dataset.get(0) as [Tensor, Tensor];
        if (sample instanceof Promise) throw new ValueError("fit: asynchronous datasets need a built model (give the first layer an inputShape)");
        this.build(sample[0].shape as number[]);
      }
      if (!this.optimizerFactory) this.requireCompiled("fit");
      this.optimizer = this.optimizerFactory!(this.weights.parameters());
    }
    const opt = this.optimizer;
    const weights = distribution ? this.weights.parameters().filter((p) => p.requiresGrad) : [];
    if (distribution && !this.prepared.has(distribution)) {
      distribution.prepare(weights);
      this.prepared.add(distribution);
    }
    const metrics = this.makeMetrics(this.outputWidth());
    const bar = new ProgressBar(loader.length, out ?? { write: () => 0, isTTY: false });
    this.lastBar = bar;
    let lossSum = 0;
    let seen = 0;
    let step = 0;
    const batches = (loader as Iterable<[Tensor, Tensor]>)[Symbol.iterator]();
    for (;;) {
      // One scope per step, the batch's loading included: everything the step allocates is freed
      // when it ends but the packed numbers, read once the step is enqueued.
      const batch = scope(() => {
        const next = batches.next();
        if (next.done) return null;
        const xb = this.onDevice(next.value[0]);
        const yb = this.onDevice(next.value[1]);
        for (const c of callbacks) c.onTrainBatchBegin(step);
        opt.zeroGrad();
        const pred = this.call(xb, true);
        const loss = this.batchLoss(yb, pred, classWeight);
        loss.backward();
        distribution?.reduceGradients(weights);
        opt.step();
        const [stats, unpack] = noGrad(() => packBatch(loss, metrics, yb, pred.detach()));
        return { n: xb.shape[0]!, stats, unpack };
      });
      if (!batch) break;
      lossSum += batch.unpack(yield batch.stats) * batch.n;
      seen += batch.n;
      step++;
      const logs: Logs = { loss: lossSum / seen, ...Object.fromEntries(metrics.map((m) => [m.name, m.result()])) };
      for (const c of callbacks) c.onTrainBatchEnd(step - 1, logs);
      bar.update(step, logs);
      if (this.stopTraining) break;
    }
    return { loss: lossSum / Math.max(seen, 1), ...Object.fromEntries(metrics.map((m) => [m.name, m.result()])) };
  }

  /**
   * Loss and metrics on (x, y), as Keras returns them: the loss alone when the model has no
   * metrics, else [loss, ...metrics] in compile's order; `{returnDict: true}` gives {loss, …}.
   * A model on the GPU evaluates with `await model.evaluateAsync(...)`.
   */
  evaluate(x: Data, y: Data, opts: EvaluateOptions & { returnDict: true }): Logs;
  evaluate(x: Data, y: Data, opts?: EvaluateOptions & { returnDict?: false }): number | number[];
  evaluate(x: Data, y: Data, opts?: EvaluateOptions): Logs | number | number[];
  evaluate(x: Data, y: Data, options: EvaluateOptions = {}): Logs | number | number[] {
    this.requireSyncDevice("evaluate");
    return readSync(this.evaluateLoop(x, y, options));
  }

  /** evaluate() on any device. */
  evaluateAsync(x: Data, y: Data, opts: EvaluateOptions & { returnDict: true }): Promise<Logs>;
  evaluateAsync(x: Data, y: Data, opts?: EvaluateOptions & { returnDict?: false }): Promise<number | number[]>;
  evaluateAsync(x: Data, y: Data, opts?: EvaluateOptions): Promise<Logs | number | number[]>;
  evaluateAsync(x: Data, y: Data, options: EvaluateOptions = {}): Promise<Logs | number | number[]> {
    return readAsync(this.evaluateLoop(x, y, options));
  }

  private *evaluateLoop(x: Data, y: Data, options: EvaluateOptions): Reads<Logs | number | number[]> {
    checkOptions("evaluate", options, { batchSize: "integer", verbose: [0, 1, 2], output: "object", returnDict: "boolean" } satisfies { [K in keyof Required<EvaluateOptions>]: OptionKind });
    const { batchSize = 32, verbose = 0, output = defaultOutput(), returnDict = false } = options;
    const lossFn = this.requireCompiled("evaluate");
    const loader = this.loader(toTensor(x), toTensor(y), batchSize, false);
    if (!this.built) this.build(toTensor(x).shape.slice(1));
    const metrics = this.makeMetrics(this.outputWidth());
    let lossSum = 0;
    let seen = 0;
    const batches = (loader as Iterable<[Tensor, Tensor]>)[Symbol.iterator]();
    for (;;) {
      const batch = noGrad(() =>
        scope(() => {
          const next = batches.next();
          if (next.done) return null;
          const xb = this.onDevice(next.value[0]);
          const yb = this.onDevice(next.value[1]);
          const pred = this.call(xb, false);
          const [stats, unpack] = packBatch(lossFn(yb, pred).sum(), metrics, yb, pred);
          return { n: xb.shape[0]!, stats, unpack };
        }),
      );
      if (!batch) break;
      lossSum += batch.unpack(yield batch.stats);
      seen += batch.n;
    }
    const logs = { loss: lossSum / Math.max(seen, 1), ...Object.fromEntries(metrics.map((m) => [m.name, m.result()])) };
    if (verbose) output.write(`${seen} samples - ${formatLogs(logs)}\n`);
    if (returnDict) return logs;
    return metrics.length ? [logs.loss, ...metrics.map((m) => m.result())] : logs.loss;
  }

  /** The model's outputs for x, computed in batches without gradients, on the weights' device. */
  predict(x: Data, { batchSize = 32 }: { batchSize?: number } = {}): Tensor {
    const xs = toTensor(x);
    const outs: Tensor[] = [];
    noGrad(() => {
      for (let at = 0; at < xs.shape[0]!; at += batchSize) outs.push(scope(() => this.call(this.onDevice(xs.narrow(0, at, Math.min(batchSize, xs.shape[0]! - at))), false)));
    });
    if (!outs.length) throw new DataError("predict: no samples");
    const all = cat(outs, 0);
    for (const o of outs) o.dispose();
    return all;
  }

  summary(output: Output = defaultOutput()): string {
    const text = summarize(this);
    output.write(`${text}\n`);
    return text;
  }

  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  getWeights(): StateDict {
    return Object.fromEntries(Object.entries(this.weights.stateDict()).map(([k, t]) => [k, t.clone()]));
  }

  setWeights(w: StateDict): void {
    this.weights.loadStateDict(w);
  }

  getLearningRate(): number {
    return this.optimizer?.paramGroups[0]?.lr ?? NaN;
  }

  setLearningRate(lr: number): void {
    for (const g of this.optimizer?.paramGroups ?? []) g.lr = lr;
  }

  /** The architecture and compile settings as JSON (weights are saved separately). */
  toJSON(): Record<string, unknown> {
    return { ...this.architecture(), compile: this.compileConfig };
  }

  /**
   * Writes one `.keras` file when `dir` ends so (a zip, as Keras 3 writes), else the folder `dir`
   * with `model.json` (architecture) and `model.safetensors` (weights),
   * replacing a model saved there before as a whole: a kill at any moment leaves the old model or
   * the new one loadable, never a mix (io/atomic.ts). A folder holding anything but a saved model
   * is refused rather than replaced. `{files}` adds files (name → bytes) to the folder in the same
   * atomic write (the CLI keeps a model's recipe and vocabulary beside it).
   */
  save(dir: string, { files = {} }: { files?: Record<string, Uint8Array> } = {}): void {
    if (!this.built) throw new ValueError("save: the model has no weights yet (build it or call it once)");
    const config = [new TextEncoder().encode(`${JSON.stringify(this.toJSON(), null, 2)}\n`)];
    const weights = encodeSafetensors(this.weights.stateDict(), { format: "tensorgrad-keras" });
    if (dir.endsWith(".keras")) {
      // One file, as Keras 3's format: a zip of the config, metadata and the weights (here safetensors).
      const metadata = new TextEncoder().encode(JSON.stringify({ keras_version: "tensorgrad", date_saved: new Date().toISOString() }));
      const zip = zipSync({ "config.json": concatBytes(config), "metadata.json": metadata, "model.safetensors": concatBytes(weights) }, { level: 6 });
      return writeFileAtomic(dir, [zip]);
    }
    const extra = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, [bytes]]));
    writeFolderAtomic(dir, { ...extra, "model.json": config, "model.safetensors": weights }, (names) => names.includes("model.json"));
  }
}

/** A plain stack of layers, each feeding the next. */
export class Sequential extends BaseModel {
  readonly layers: Layer[] = [];

  /** A keras.Input first sets the input shape, as in Keras. */
  constructor(layers: (Layer | KerasTensor)[] = [], opts: { name?: string } = {}) {
    super(opts);
    for (const l of layers) {
      if (l instanceof KerasTensor) this.add(new InputLayer({ shape: l.shape, name: l.name }));
      else this.add(l);
    }
  }

  get name(): string {
    return this.opts.name ?? "sequential";
  }

  add(layer: Layer): this {
    if (this.layers.some((l) => l.name === layer.name)) throw new ValueError(`Sequential: a layer named '${layer.name}' is already in the model`);
    this.layers.push(layer);
    const shape = this.layers[0]!.inputShape;
    if (shape) this.build(shape);
    return this;
  }

  get built(): boolean {
    return this.layers.length > 0 && this.layers.every((l) => l.built);
  }

  inputShape(): Shape | null {
    return this.layers[0]?.inputShape ?? null;
  }

  build(inputShape: Shape): void {
    let shape = inputShape;
    for (const layer of this.layers) {
      if (!layer.built) {
        layer.build(shape);
        this.track(layer);
      }
      shape = layer.computeOutputShape(shape);
    }
  }

  call(x: Tensor, training = false): Tensor {
    if (!this.built) this.build(x.shape.slice(1));
    return this.layers.reduce((h, l) => l.call(h, training), x);
  }

  outputShape(): Shape {
    const first = this.layers[0]?.inputShape;
    if (!first) throw new ShapeError(`${this.name}: the input shape is not known yet; give the first layer an inputShape or call the model once`);
    return this.layers.reduce((s, l) => l.computeOutputShape(s), first as Shape);
  }

  layerOutputShapes(): (Shape | null)[] {
    let shape = this.layers[0]?.inputShape ?? null;
    return this.layers.map((l) => (shape = shape ? l.computeOutputShape(shape) : null));
  }

  protected architecture() {
    return { className: "Sequential", config: { name: this.name, layers: this.layers.map((l) => ({ className: l.constructor.name, config: l.getConfig() })) } };
  }
}
