/** Keras callbacks: hook names as Keras', plus the common ones. */
import { requireNode } from "../base/node.js";
import type { StateDict } from "../nn/module.js";
import { formatLogs } from "./progress.js";

export type Logs = Record<string, number>;

/** The model surface callbacks use (kept small so callbacks need not import the model). */
export interface CallbackModel {
  stopTraining: boolean;
  getLearningRate(): number;
  setLearningRate(lr: number): void;
  getWeights(): StateDict;
  setWeights(w: StateDict): void;
  save(path: string): void;
}

export class Callback {
  model: CallbackModel | null = null;
  setModel(m: CallbackModel): void {
    this.model = m;
  }
  onTrainBegin(_logs: Logs = {}): void {}
  onTrainEnd(_logs: Logs = {}): void {}
  onEpochBegin(_epoch: number, _logs: Logs = {}): void {}
  onEpochEnd(_epoch: number, _logs: Logs = {}): void {}
  onTrainBatchBegin(_batch: number, _logs: Logs = {}): void {}
  onTrainBatchEnd(_batch: number, _logs: Logs = {}): void {}
  onTestBegin(_logs: Logs = {}): void {}
  onTestEnd(_logs: Logs = {}): void {}
}

/** A callback from plain functions: `new LambdaCallback({onEpochEnd: (e, logs) => …})`. */
export class LambdaCallback extends Callback {
  constructor(hooks: Partial<Pick<Callback, "onTrainBegin" | "onTrainEnd" | "onEpochBegin" | "onEpochEnd" | "onTrainBatchBegin" | "onTrainBatchEnd">>) {
    super();
    Object.assign(this, hooks);
  }
}

type Mode = "min" | "max" | "auto";
const better = (mode: Mode, monitor: string) => {
  const m = mode === "auto" ? (/acc|auc|precision|recall/.test(monitor) ? "max" : "min") : mode;
  return (a: number, b: number, delta: number) => (m === "min" ? a < b - delta : a > b + delta);
};

/** History: every epoch's logs, returned by fit(). */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

export class EarlyStopping extends Callback {
  private best = NaN;
  private wait = 0;
  private bestWeights: StateDict | null = null;
  stoppedEpoch = -1;
  private readonly isBetter: (a: number, b: number, d: number) => boolean;

  constructor(readonly opts: { monitor?: string; minDelta?: number; patience?: number; mode?: Mode; restoreBestWeights?: boolean; baseline?: number } = {}) {
    super();
    this.isBetter = better(opts.mode ?? "auto", this.monitor);
  }
  private get monitor() {
    return this.opts.monitor ?? "val_loss";
  }
  override onTrainBegin(): void {
    this.best = this.opts.baseline ?? NaN;
    this.wait = 0;
    this.bestWeights = null;
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const v = logs[this.monitor];
    if (v === undefined) return;
    if (Number.isNaN(this.best) || this.isBetter(v, this.best, Math.abs(this.opts.minDelta ?? 0))) {
      this.best = v;
      this.wait = 0;
      if (this.opts.restoreBestWeights) this.bestWeights = this.model!.getWeights();
      return;
    }
    this.wait += 1;
    if (this.wait >= (this.opts.patience ?? 0)) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
      if (this.bestWeights) this.model!.setWeights(this.bestWeights);
    }
  }
}

/** Saves the model after each epoch, or only when the monitored value improves. */
export class ModelCheckpoint extends Callback {
  private best = NaN;
  private readonly isBetter: (a: number, b: number, d: number) => boolean;
  constructor(readonly filepath: string, readonly opts: { monitor?: string; saveBestOnly?: boolean; mode?: Mode } = {}) {
    super();
    this.isBetter = better(opts.mode ?? "auto", opts.monitor ?? "val_loss");
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const path = this.filepath.replace("{epoch}", String(epoch + 1));
    if (!this.opts.saveBestOnly) return this.model!.save(path);
    const v = logs[this.opts.monitor ?? "val_loss"];
    if (v === undefined) return;
    if (Number.isNaN(this.best) || this.isBetter(v, this.best, 0)) {
      this.best = v;
      this.model!.save(path);
    }
  }
}

export class ReduceLROnPlateau extends Callback {
  private best = NaN;
  private wait = 0;
  private cooldownCounter = 0;
  private readonly isBetter: (a: number, b: number, d: number) => boolean;
  constructor(readonly opts: { monitor?: string; factor?: number; patience?: number; minDelta?: number; cooldown?: number; minLr?: number; mode?: Mode } = {}) {
    super();
    this.isBetter = better(opts.mode ?? "auto", opts.monitor ?? "val_loss");
  }
  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    const v = logs[this.opts.monitor ?? "val_loss"];
    if (v === undefined) return;
    if (this.cooldownCounter > 0) this.cooldownCounter--;
    if (Number.isNaN(this.best) || this.isBetter(v, this.best, this.opts.minDelta ?? 1e-4)) {
      this.best = v;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0 && ++this.wait >= (this.opts.patience ?? 10)) {
      const lr = this.model!.getLearningRate();
      const next = Math.max(lr * (this.opts.factor ?? 0.1), this.opts.minLr ?? 0);
      if (next < lr) this.model!.setLearningRate(next);
      this.cooldownCounter = this.opts.cooldown ?? 0;
      this.wait = 0;
    }
  }
}

/** Sets the learning rate at the start of each epoch from schedule(epoch, lr). */
export class LearningRateScheduler extends Callback {
  constructor(readonly schedule: (epoch: number, lr: number) => number) {
    super();
  }
  override onEpochBegin(epoch: number): void {
    this.model!.setLearningRate(this.schedule(epoch, this.model!.getLearningRate()));
  }
}

/** Appends each epoch's logs to a CSV file (header on the first line). */
export class CSVLogger extends Callback {
  private keys: string[] | null = null;
  constructor(readonly filename: string, readonly opts: { separator?: string; append?: boolean } = {}) {
    super();
  }
  override onTrainBegin(): void {
    if (!this.opts.append) requireNode("node:fs", "CSVLogger").writeFileSync(this.filename, "");
    this.keys = null;
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const sep = this.opts.separator ?? ",";
    const { appendFileSync } = requireNode("node:fs", "CSVLogger");
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      appendFileSync(this.filename, `${["epoch", ...this.keys].join(sep)}\n`);
    }
    appendFileSync(this.filename, `${[epoch, ...this.keys.map((k) => logs[k] ?? "")].join(sep)}\n`);
  }
}

/** Stops training when the loss becomes NaN or infinite. */
export class TerminateOnNaN extends Callback {
  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      process.stderr.write(`Batch ${batch}: invalid loss (${formatLogs({ loss })}), terminating training\n`);
      this.model!.stopTraining = true;
    }
  }
}
