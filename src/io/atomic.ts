/**
 * Writes that a kill at any moment cannot tear.
 *
 * - A file is written to a temporary beside it, flushed, then renamed over the target: readers see
 *   the old file or the whole new one.
 * - A folder of several files (a Keras model: model.json + model.safetensors) is written whole into
 *   a temporary folder beside it, flushed, then swapped in by two renames (old → aside, new → in)
 *   and the old one removed. The only moment the target is missing is between those two renames;
 *   `readableFolder` (used by every loader) then finds the old folder aside, complete, and the next
 *   save to the same place puts it back first.
 *
 * Temporaries are named `.<target>.tg-tmp-<pid>-<random>` (and `.tg-old-` for a folder set aside),
 * so they are recognisable; each save sweeps the ones of its target that dead processes left.
 */
import { requireNode } from "../base/node.js";
import { DataError } from "../base/errors.js";

const TAG = ".tg-";

function fsApi(what: string) {
  return { fs: requireNode("node:fs", what), path: requireNode("node:path", what) };
}

/** `.<base>.tg-<kind>-<pid>-<random>` beside `target`. */
function siblingName(target: string, kind: "tmp" | "old"): string {
  const { path } = fsApi(`writing ${target}`);
  const random = Math.floor(Math.random() * 2 ** 32).toString(36);
  return path.join(path.dirname(target), `.${path.basename(target)}${TAG}${kind}-${process.pid}-${random}`);
}

/** The temporaries of `target` left beside it: their paths, kinds and writing processes. */
function leftovers(target: string): { file: string; kind: string; pid: number }[] {
  const { fs, path } = fsApi(`writing ${target}`);
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}${TAG}`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const found: { file: string; kind: string; pid: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(tmp|old)-(\d+)-[0-9a-z]+$/.exec(name.slice(prefix.length));
    if (m) found.push({ file: path.join(dir, name), kind: m[1]!, pid: Number(m[2]) });
  }
  return found;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes what interrupted saves of `target` left (a live process's save in flight excepted), and
 * puts back a folder that a kill left aside with nothing in its place.
 */
export function sweepTemporaries(target: string): void {
  const { fs } = fsApi(`writing ${target}`);
  for (const { file, kind, pid } of leftovers(target)) {
    if (pid !== process.pid && alive(pid)) continue;
    if (kind === "old" && !fs.existsSync(target)) fs.renameSync(file, target);
    else fs.rmSync(file, { recursive: true, force: true });
  }
}

/** The folder to read a folder-saved model from: `dir`, or the complete one a killed save left aside. */
export function readableFolder(dir: string): string {
  const { fs } = fsApi(`reading ${dir}`);
  if (fs.existsSync(dir)) return dir;
  return leftovers(dir).find((l) => l.kind === "old")?.file ?? dir;
}

function writeAndFlush(file: string, chunks: readonly Uint8Array[]): void {
  const { fs } = fsApi(`writing ${file}`);
  const fd = fs.openSync(file, "w");
  try {
    for (const c of chunks) {
      for (let at = 0; at < c.length; ) at += fs.writeSync(fd, c, at);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a folder's entries (renames into it) to disk; a no-op where the platform cannot. */
function flushFolder(dir: string): void {
  const { fs } = fsApi(`writing ${dir}`);
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the renames are still atomic.
  }
}

/** Writes chunks to `file` so that readers see either the old file or the whole new one. */
export function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): void {
  const { fs, path } = fsApi(`writing ${file}`);
  const tmp = siblingName(file, "tmp");
  try {
    sweepTemporaries(file);
    writeAndFlush(tmp, chunks);
    fs.renameSync(tmp, file);
    flushFolder(path.dirname(file));
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new DataError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/**
 * Writes `files` (name → bytes) as the folder `dir`, replacing the folder that is there — which
 * `replaceable(names)` must accept, so that a save never deletes what it did not write.
 */
export function writeFolderAtomic(dir: string, files: Record<string, readonly Uint8Array[]>, replaceable: (names: string[]) => boolean): void {
  const { fs, path } = fsApi(`writing ${dir}`);
  const tmp = siblingName(dir, "tmp");
  const old = siblingName(dir, "old");
  try {
    fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
    sweepTemporaries(dir);
    const exists = fs.existsSync(dir);
    if (exists) {
      const names = fs.readdirSync(dir);
      if (names.length && !replaceable(names)) {
        throw new DataError(`${dir} holds files this save did not write (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}); save into a new or empty folder`);
      }
    }
    fs.mkdirSync(tmp);
    for (const [name, chunks] of Object.entries(files)) writeAndFlush(path.join(tmp, name), chunks);
    flushFolder(tmp);
    if (exists) fs.renameSync(dir, old);
    fs.renameSync(tmp, dir);
    flushFolder(path.dirname(path.resolve(dir)));
    fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (fs.existsSync(old) && !fs.existsSync(dir)) fs.renameSync(old, dir);
    if (e instanceof DataError) throw e;
    throw new DataError(`cannot write ${dir}: ${(e as Error).message}`);
  }
}
