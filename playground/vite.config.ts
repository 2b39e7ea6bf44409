/**
 * The playground's build: one static app, a page per idea. The pages' scripts stay small; the
 * library (tensorgrad's built dist/, as users get it) is bundled into the Web Workers that train.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));
const pages = Object.fromEntries(readdirSync(here).filter((f) => f.endsWith(".html")).map((f) => [f.replace(/\.html$/, ""), path.join(here, f)]));
// The wasm backend's threads share memory, which a page may use only when cross-origin isolated.
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  root: here,
  base: "./",
  resolve: {
    alias: {
      tensorgrad: path.join(here, "..", "dist", "index.js"),
      // csv-parse's default build uses Node's Buffer; this is its self-contained browser build.
      "csv-parse/sync": path.join(here, "..", "node_modules", "csv-parse", "dist", "esm", "sync.js"),
    },
  },
  // Class names survive minification: summaries, diagrams and printed modules show them.
  worker: { format: "es", rollupOptions: { output: { keepNames: true } } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4096, rollupOptions: { input: pages, output: { keepNames: true } } },
  server: { headers: isolation },
  preview: { headers: isolation },
});
