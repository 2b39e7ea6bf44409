/**
 * Loops written once for both kinds of device. A loop is a generator that yields each tensor whose
 * numbers it needs and is resumed with them: `readSync` reads at once (the CPU backends), `readAsync`
 * awaits the read (the GPU, whose buffers map asynchronously). Either way the tensor is disposed
 * once read, so a loop yields one small packed tensor per step and nothing else leaves the step.
 */
import type { AnyTypedArray } from "../base/dtype.js";
import type { Tensor } from "./tensor.js";

export type Reads<T> = Generator<Tensor, T, AnyTypedArray>;

export function readSync<T>(loop: Reads<T>): T {
  for (let step = loop.next(); ; ) {
    if (step.done) return step.value;
    const t = step.value;
    const values = t.dataSync();
    t.dispose();
    step = loop.next(values);
  }
}

export async function readAsync<T>(loop: Reads<T>): Promise<T> {
  for (let step = loop.next(); ; ) {
    if (step.done) return step.value;
    const t = step.value;
    const values = await t.data();
    t.dispose();
    step = loop.next(values);
  }
}
