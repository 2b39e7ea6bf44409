/** Atomic file writes: write a temporary file beside the target, then rename over it. */
import { requireNode } from "../core/node.js";
import { DataError } from "../core/errors.js";

/** Writes chunks to `file` so that readers see either the old file or the whole new one. */
export function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): void {
  const { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } = requireNode("node:fs", `writing ${file}`);
  const path = requireNode("node:path", `writing ${file}`);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, "w");
    for (const c of chunks) writeSync(fd, c);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new DataError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
