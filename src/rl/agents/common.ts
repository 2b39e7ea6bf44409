/**
 * What every agent shares: turning observations into a network's input batch, MLPs with
 * orthogonal initialisation (the usual choice for policy-gradient methods), and schedules.
 */
import { Tensor } from "../../ops/tensor.js";
import { ValueError } from "../../base/errors.js";
import { tensor } from "../../ops/creation.js";
import { Sequential } from "../../nn/layers/container.js";
import { Linear } from "../../nn/layers/linear.js";
import { ReLU, Tanh } from "../../nn/layers/activation.js";
import { orthogonal_, zeros_ } from "../../nn/init.js";
import { noGrad } from "../../ops/grad-mode.js";
import type { Module } from "../../nn/module.js";
import { Box, Discrete, type Space } from "../spaces.js";

export type Activation = "tanh" | "relu";

/** The network input width for an observation space: a Box's size, or n for a one-hot Discrete. */
export function inputDim(space: Space<unknown>): number {
  if (space instanceof Box) return space.size;
  if (space instanceof Discrete) return space.n;
  throw new ValueError(`rl: observations from ${space} are not supported by the built-in networks; use a Box or Discrete space, or TransformObservation`);
}

/**
 * A batch of observations as a float32 (n, inputDim) tensor: Box observations as they are (one
 * flat typed array of n rows, or a single observation), Discrete ones one-hot.
 */
export function obsToTensor(space: Space<unknown>, obs: ArrayLike<number> | number, n = 1): Tensor {
  if (space instanceof Box) {
    const data = typeof obs === "number" ? [obs] : obs;
    if (data.length !== n * space.size) throw new ValueError(`rl: expected ${n} observation(s) of ${space.size} values, got ${data.length} values`);
    return tensor(data instanceof Float32Array ? data : Float32Array.from(data), { shape: [n, space.size] });
  }
  if (space instanceof Discrete) {
    const ids = typeof obs === "number" ? [obs] : obs;
    const out = new Float32Array(n * space.n);
    for (let i = 0; i < n; i++) out[i * space.n + ids[i]! - space.start] = 1;
    return tensor(out, { shape: [n, space.n] });
  }
  throw new ValueError(`rl: observations from ${space} are not supported by the built-in networks`);
}

/**
 * Linear layers of the given widths with an activation between them; after the last one too when
 * activateLast (a feature extractor that a head follows).
 */
export function mlp(sizes: readonly number[], activation: Activation = "tanh", activateLast = false): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!));
    if (i + 2 < sizes.length || activateLast) layers.push(activation === "tanh" ? new Tanh() : new ReLU());
  }
  return new Sequential(...layers);
}

/** Orthogonal weights with the given gain and zero biases on every Linear in the module (SB3's ortho_init). */
export function orthogonalInit(module: Module, gain: number): void {
  noGrad(() =>
    module.apply((m) => {
      if (m instanceof Linear) {
        orthogonal_(m.weight, gain);
        if (m.bias) zeros_(m.bias);
      }
    }),
  );
}

/** A value that goes linearly from start to end over the first `fraction` of training, then stays. */
export function linearSchedule(start: number, end: number, fraction = 1): (progressRemaining: number) => number {
  return (progressRemaining) => {
    const done = 1 - progressRemaining;
    return done >= fraction ? end : start + ((end - start) * done) / fraction;
  };
}

/** A number or a schedule of the remaining progress (1 at the start, 0 at the end), as SB3's. */
export type Schedule = number | ((progressRemaining: number) => number);
export const evalSchedule = (s: Schedule, progressRemaining: number) => (typeof s === "number" ? s : s(progressRemaining));
