/** Gymnasium's `maybe_parse_reset_bounds`: `reset({options: {low, high}})` overrides the start range. */
import { ValueError } from "../../base/errors.js";

export function resetBounds(options: Record<string, unknown> | undefined, low: number, high: number): [number, number] {
  const lo = options?.low ?? low;
  const hi = options?.high ?? high;
  if (typeof lo !== "number" || typeof hi !== "number" || !(lo <= hi)) {
    throw new ValueError(`reset: options low and high must be numbers with low <= high, got low=${String(lo)}, high=${String(hi)}`);
  }
  return [lo, hi];
}
