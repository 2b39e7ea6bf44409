/**
 * Version counters per storage. In-place writes bump them; the tape remembers the versions of the
 * tensors a gradient rule will read, so backward can refuse (instead of silently computing a wrong
 * gradient) when one was overwritten in between — PyTorch's saved-tensor check.
 */
import type { Storage } from "../backend/backend.js";

const versions = new WeakMap<Storage, number>();

export function versionOf(storage: Storage): number {
  return versions.get(storage) ?? 0;
}

export function bumpVersion(storage: Storage): void {
  versions.set(storage, versionOf(storage) + 1);
}
