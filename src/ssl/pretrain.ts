/**
 * One call for the common case of image pre-training: SimCLR, BYOL or SimSiam on a tensor of
 * unlabelled images, with the batched SimCLR augmentation, for a number of epochs or minutes. The
 * examples write the same loop out with the pieces (losses, heads, augmentation, EMA), which is
 * where to start for anything this does not cover.
 *
 *   SimCLR (Chen et al. 2020): NT-Xent between the projections of two views.
 *   BYOL (Grill et al. 2020): the online branch (encoder → projector → predictor) predicts the target
 *     branch's projection of the other view; the target is an EMA of the online encoder and
 *     projector, its decay rising from `decay` to 1 on BYOL's cosine schedule.
 *   SimSiam (Chen & He 2021): as BYOL with the target branch the online one under stop-gradient.
 */
import type { Tensor } from "../ops/tensor.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import { tensor } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { Sequential } from "../nn/layers/container.js";
import type { Module } from "../nn/module.js";
import { Adam } from "../optim/optimizers.js";
import { ExponentialMovingAverage } from "../optim/swa-utils.js";
import { scope } from "../base/scope.js";
import { ProjectionHead, PredictionHead } from "./heads.js";
import { byolLoss, ntXentLoss, simsiamLoss } from "./losses.js";
import { batchSimclrAugment } from "./batch-augment.js";

export type PretrainMethod = "simclr" | "byol" | "simsiam";
export const PRETRAIN_METHODS: readonly PretrainMethod[] = ["simclr", "byol", "simsiam"];

export interface PretrainOptions {
  method?: PretrainMethod;
  /** The encoder's output width (the heads' input). */
  featureDim: number;
  /** Stop after this many epochs (default: none; then `minutes` must bound the run). */
  epochs?: number;
  /** Stop after this much wall time, checked between steps. */
  minutes?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  /** NT-Xent's temperature (SimCLR; default 0.5). */
  temperature?: number;
  /** BYOL's base EMA decay τ (default 0.99; the schedule raises it to 1 by the last epoch). */
  decay?: number;
  /** For BYOL: a second instance of the encoder's architecture, which becomes the EMA target. */
  targetEncoder?: Module<[Tensor], Tensor>;
  /** The heads' hidden and output widths (default 128 and 64). */
  hiddenDim?: number;
  projectionDim?: number;
  /** One augmented view of a batch (default: batchSimclrAugment at the images' size, crop scale [0.2, 1]). */
  augment?: (images: Tensor) => Tensor;
  generator?: Generator;
  /** Called after each epoch (a monitor such as knnAccuracy fits here). */
  onEpoch?: (epoch: number, meanLoss: number, minutes: number) => void;
}

export interface PretrainResult {
  epochs: number;
  /** The mean loss of each epoch. */
  losses: number[];
  minutes: number;
  /** The projection head (and BYOL's/SimSiam's predictor), for a run that continues. */
  projection: ProjectionHead;
  predictor: PredictionHead | null;
  /** BYOL's EMA target (encoder and projector). */
  target: ExponentialMovingAverage<Sequential> | null;
}

/** Pre-trains `encoder` (N, C, H, W) → (N, featureDim) in place on unlabelled `images`. */
export function pretrain(encoder: Module<[Tensor], Tensor>, images: Tensor, o: PretrainOptions): PretrainResult {
  const { method = "simclr", featureDim, epochs = Infinity, minutes = Infinity, batchSize = 256, lr = 1e-3, weightDecay = 1e-6, temperature = 0.5, decay = 0.99, hiddenDim = 128, projectionDim = 64, generator = defaultGenerator } = o;
  if (!PRETRAIN_METHODS.includes(method)) throw new ValueError(`pretrain: method must be one of ${PRETRAIN_METHODS.join(", ")}, got '${method}'`);
  if (images.ndim !== 4) throw new ShapeError(`pretrain: expected (N, C, H, W) images, got ${fmtShape(images.shape)}`);
  if (epochs === Infinity && minutes === Infinity) throw new ValueError("pretrain: give epochs or minutes (or both)");
  const n = images.shape[0]!;
  if (!Number.isInteger(batchSize) || batchSize < 2 || batchSize > n) throw new ValueError(`pretrain: batchSize must be an integer in [2, ${n}] (the number of images), got ${batchSize}`);
  if (method === "byol" && !o.targetEncoder) throw new ValueError("pretrain: BYOL needs targetEncoder, a second instance of the encoder's architecture (its EMA target)");
  const augment = o.augment ?? ((x: Tensor) => batchSimclrAugment(x, { size: images.shape[3]!, scale: [0.2, 1], generator }));

  const projection = new ProjectionHead(featureDim, hiddenDim, projectionDim);
  const predictor = method === "simclr" ? null : new PredictionHead(projectionDim, hiddenDim, projectionDim);
  const online = new Sequential(encoder, projection);
  const target = method === "byol" ? new ExponentialMovingAverage(new Sequential(o.targetEncoder!, new ProjectionHead(featureDim, hiddenDim, projectionDim)), { decay, useBuffers: true }) : null;
  target?.updateParameters(online); // the target starts as a copy of the online network
  const opt = new Adam([...online.parameters(), ...(predictor?.parameters() ?? [])], { lr, weightDecay });
  const stepsPerEpoch = Math.floor(n / batchSize);
  const totalSteps = Number.isFinite(epochs) ? epochs * stepsPerEpoch : Infinity;

  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 60_000;
  const losses: number[] = [];
  let step = 0;
  while (losses.length < epochs && elapsed() < minutes) {
    online.train();
    predictor?.train();
    const order = tensor(Array.from(generator.permutation(n)), { dtype: "int32" });
    let total = 0, steps = 0;
    for (let s = 0; s + batchSize <= n && elapsed() < minutes; s += batchSize) {
      total += scope(() => {
        const x = images.indexSelect(0, order.narrow(0, s, batchSize));
        const views = cat([augment(x), augment(x)], 0); // both views through BatchNorm together
        const z = online.forward(views);
        const [z1, z2] = [z.narrow(0, 0, batchSize), z.narrow(0, batchSize, batchSize)];
        let loss: Tensor;
        if (method === "simclr") loss = ntXentLoss(z1, z2, { temperature });
        else {
          const p = predictor!.forward(z);
          const [p1, p2] = [p.narrow(0, 0, batchSize), p.narrow(0, batchSize, batchSize)];
          if (method === "simsiam") loss = simsiamLoss(p1, z2).add(simsiamLoss(p2, z1)).mul(0.5);
          else {
            target!.module.train();
            const t = target!.module.forward(views).detach();
            loss = byolLoss(p1, t.narrow(0, batchSize, batchSize)).add(byolLoss(p2, t.narrow(0, 0, batchSize)));
          }
        }
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item() as number;
      });
      steps++;
      step++;
      if (target) {
        // BYOL's schedule: τ_k = 1 − (1 − τ)(cos(πk/K) + 1)/2 over K steps (fixed τ when only time bounds the run).
        const progress = Number.isFinite(totalSteps) ? Math.min(1, step / totalSteps) : 0;
        target.decay = 1 - ((1 - decay) * (Math.cos(Math.PI * progress) + 1)) / 2;
        target.updateParameters(online);
      }
    }
    losses.push(total / Math.max(1, steps));
    o.onEpoch?.(losses.length, losses.at(-1)!, elapsed());
  }
  online.eval();
  return { epochs: losses.length, losses, minutes: elapsed(), projection, predictor, target };
}
