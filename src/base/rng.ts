/**
 * Seedable, counter-based random numbers.
 *
 * NOTE: the value at position i of a draw depends only on (seed, offset + i), never on the order in
 * which it is computed. That is what lets every backend — plain loops, SIMD, threads, a GPU —
 * produce the same numbers for the same seed. A draw of n values advances the offset by n.
 */

/** A 32-bit avalanche mixer (Wellons' lowbias32). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** 32 random bits for counter `counter` (a safe integer) under `seed` (uint32). */
export function randomBits(seed: number, counter: number): number {
  const lo = counter >>> 0;
  const hi = Math.floor(counter / 4294967296) >>> 0;
  const key = mix32(seed ^ 0x85ebca6b);
  return mix32(mix32(lo ^ key) ^ Math.imul(hi + 1, 0x9e3779b9) ^ key);
}

/** A uniform float in [0, 1) with 24 bits of resolution (exact in float32). */
export function uniformAt(seed: number, counter: number): number {
  return (randomBits(seed, counter) >>> 8) / 16777216;
}

/** A standard normal by Box–Muller from the two uniforms at counters 2i and 2i + 1. */
export function normalAt(seed: number, counter: number): number {
  const u1 = ((randomBits(seed, 2 * counter) >>> 8) + 1) / 16777216; // (0, 1]: log is finite
  const u2 = uniformAt(seed, 2 * counter + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Folds any safe integer seed into 32 bits, keeping the high bits' influence. */
export function foldSeed(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return (lo ^ mix32(hi)) >>> 0;
}

/** A random stream: a seed and how far into it we are. */
export class Generator {
  private seedValue: number;
  private initialSeed: number;
  offset = 0;

  constructor(seed = 67280421310721) {
    this.initialSeed = seed;
    this.seedValue = foldSeed(seed);
  }

  manualSeed(seed: number): this {
    this.initialSeed = seed;
    this.seedValue = foldSeed(seed);
    this.offset = 0;
    return this;
  }

  get seed(): number {
    return this.seedValue;
  }

  /** The seed as the user gave it (PyTorch's `initial_seed()`). */
  initial(): number {
    return this.initialSeed;
  }

  /** Reserves n counters and returns the first. */
  take(n: number): number {
    const start = this.offset;
    this.offset += n;
    return start;
  }

  /** A uniform float in [0, 1) drawn on the JS side (shuffles, splits, augmentation choices). */
  random(): number {
    return uniformAt(this.seedValue, this.take(1));
  }

  /** A uniform integer in [0, n). */
  randomInt(n: number): number {
    return Math.floor((randomBits(this.seedValue, this.take(1)) / 4294967296) * n);
  }

  /** A uniformly random permutation of 0 … n − 1 (Fisher–Yates, n − 1 draws). */
  permutation(n: number): Int32Array {
    const p = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.randomInt(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }

  getState(): { seed: number; offset: number } {
    return { seed: this.initialSeed, offset: this.offset };
  }

  setState(state: { seed: number; offset: number }): void {
    this.manualSeed(state.seed);
    this.offset = state.offset;
  }
}

/** The process-wide default generator, as PyTorch's default CPU generator. */
export const defaultGenerator = new Generator();

/** Seeds the default generator: same seed, same numbers, on every backend. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** Seeds the default generator from a non-deterministic source and returns the seed (torch.seed). */
export function seed(): number {
  const s = Math.floor(Math.random() * 2 ** 52);
  defaultGenerator.manualSeed(s);
  return s;
}

/** The seed the default generator was last given (torch.initial_seed). */
export const initialSeed = (): number => defaultGenerator.initial();

/** The default generator's state, to restore with setRngState (torch.get_rng_state). */
export const getRngState = (): { seed: number; offset: number } => defaultGenerator.getState();
export const setRngState = (state: { seed: number; offset: number }): void => defaultGenerator.setState(state);
