/** The keys and values a GPT has computed for earlier positions, so generation feeds only new ones. */
import type { Tensor } from "../ops/tensor.js";
import { cat } from "../ops/movement.js";

/** Keys and values of the positions seen so far, per layer: [B, nHead, length, headSize]. */
export class KVCache {
  readonly keys: (Tensor | null)[];
  readonly values: (Tensor | null)[];
  length = 0;

  constructor(readonly nLayer: number) {
    this.keys = new Array<Tensor | null>(nLayer).fill(null);
    this.values = new Array<Tensor | null>(nLayer).fill(null);
  }

  /** Appends this step's [B, nh, T, hs] keys and values for one layer; returns all of them. */
  extend(layer: number, k: Tensor, v: Tensor): [Tensor, Tensor] {
    const pk = this.keys[layer];
    const pv = this.values[layer];
    const K = pk ? cat([pk, k], 2) : k;
    const V = pv ? cat([pv, v], 2) : v;
    this.keys[layer] = K;
    this.values[layer] = V;
    return [K, V];
  }
}
