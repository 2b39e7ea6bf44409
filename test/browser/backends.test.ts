/**
 * The backends in a real browser (Debian's Chromium, driven by playwright-core): the package
 * loads from dist/ as plain ES modules, the wasm backend is the default, training gives the losses
 * Node gives, and in a cross-origin isolated page Web Workers share the memory and a threaded GEMM
 * equals the one-thread GEMM bit for bit; without isolation, setNumThreads says what is missing.
 * The WebGPU backend runs on the page's navigator.gpu (here Chromium's software adapter,
 * SwiftShader), trains as the page's CPU backend does, and passes the kernel and fused-routine
 * conformance suites there (bundled into the page with esbuild, node:test and node:assert shimmed).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { build, type Plugin } from "esbuild";
import * as tg from "../../src/index.js";
import { workload } from "./page.js";

const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CHROMIUM = "/usr/bin/chromium"; // Debian's package (.ci/run installs it)
const SERVED = ["dist/", "node_modules/", "test/browser/", "test/fixtures/ops.json"];
const TYPES: Record<string, string> = { ".js": "text/javascript", ".html": "text/html", ".json": "application/json" };

// The bare imports of dist/ resolve through an import map, as a bundler would resolve them.
/**
 * The conformance suites for a page, in one module: conformance-page.ts bundled with node:test and
 * node:assert replaced by the shims, the Node built-ins the library imports lazily left out.
 */
async function conformanceBundle(): Promise<string> {
  const shims: Record<string, string> = {
    "node:test": "shims/node-test.ts",
    "node:assert/strict": "shims/node-assert.ts",
    "node:v8": "shims/node-stubs.ts",
    "node:fs": "shims/node-stubs.ts",
  };
  const nodeBuiltins: Plugin = {
    name: "node-builtins",
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => (shims[args.path] ? { path: path.join(ROOT, "test/browser", shims[args.path]!) } : { path: args.path, external: true }));
    },
  };
  const out = await build({
    entryPoints: [path.join(ROOT, "test/browser/conformance-page.ts")],
    bundle: true, format: "esm", platform: "browser", target: "es2022", write: false, logLevel: "silent",
    define: { "process.versions.node": JSON.stringify("browser"), "process.env.TENSORGRAD_QUICK": JSON.stringify("0") },
    plugins: [nodeBuiltins],
  });
  return out.outputFiles[0]!.text;
}

const page = (module: string, workload: string) => `<!doctype html><script type="importmap">${JSON.stringify({
  imports: { fflate: "./node_modules/fflate/esm/browser.js", "csv-parse/sync": "./node_modules/csv-parse/dist/esm/sync.js" },
})}</script>
<script type="module">
  Promise.all([import("./dist/index.js"), import("./test/browser/${module}")])
    .then(([tg, m]) => m.${workload}(tg))
    .then((r) => { window.result = { ...r, isolated: crossOriginIsolated }; }, (e) => { window.result = { error: String(e.stack ?? e) }; });
</script>`;

let server: Server;
let browser: Browser;
let origin = "";
let bundle = "";

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`);
  bundle = await conformanceBundle();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    // /isolated/… is served cross-origin isolated, /plain/… is not.
    const [, mode, ...rest] = url.pathname.split("/");
    const file = rest.join("/");
    const headers: Record<string, string> = mode === "isolated" ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } : {};
    const html = mode === "webgpu" ? page("webgpu-page.js", "webgpuWorkload") : mode === "conformance" ? page("conformance.js", "conformanceWorkload") : page("page.js", "workload");
    if (file === "") return res.writeHead(200, { ...headers, "Content-Type": "text/html" }).end(html);
    if (file === "test/browser/conformance.js") return res.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle);
    const full = path.join(ROOT, file);
    if (!SERVED.some((dir) => file.startsWith(dir)) || !full.startsWith(ROOT) || !existsSync(full)) return res.writeHead(404).end();
    res.writeHead(200, { ...headers, "Content-Type": TYPES[path.extname(full)] ?? "application/octet-stream" }).end(readFileSync(full));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // --enable-unsafe-webgpu: Chromium keeps WebGPU off where it has only a software adapter (no GPU here).
    args: ["--no-sandbox", "--enable-unsafe-webgpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Loads the page under /mode/ (its imports too: the page is at the root of its mode). */
async function run(mode: "isolated" | "plain" | "webgpu" | "conformance", timeout = 60000): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("response", (r) => void (r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`)));
  await page.goto(`${origin}/${mode}/`);
  await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined, undefined, { timeout });
  const result = (await page.evaluate(() => (window as { result?: unknown }).result)) as Record<string, unknown>;
  await page.close();
  assert.deepEqual(errors, []);
  assert.equal(result.error, undefined, String(result.error));
  return result;
}

test("in a cross-origin isolated page: wasm by default, Web Workers on the shared memory, Node's losses", async (t) => {
  const r = await run("isolated");
  assert.equal(r.isolated, true);
  assert.equal(r.backend, "wasm");
  assert.equal(r.relaxedSimd, true, "Chromium runs the relaxed-SIMD kernels");
  assert.ok((r.threads as number) >= 1);
  assert.equal(r.readyThreads, 2, "the Web Worker started");
  assert.equal(r.threadedEqualsOneThread, true);
  // 800 MiB of garbage from a scoped loop: the memory does not grow.
  const scoped = r.scopedLoop as { check: number; grewMiB: number };
  assert.equal(scoped.check, 1 + 101 + 201 + 301);
  assert.equal(scoped.grewMiB, 0);
  t.diagnostic(`unscoped loop yielding every 4 steps: the wasm memory grew ${(r.unscopedLoop as { grewMiB: number }).grewMiB} MiB for 800 MiB of garbage`);
  // The same training in Node (its kernels may differ only by fused multiply-adds).
  const previous = tg.getBackend().name;
  const threads = tg.getNumThreads();
  tg.setBackend("wasm");
  try {
    const mine = await workload(tg);
    const losses = r.losses as number[];
    assert.ok(losses[29]! < losses[0]! * 0.5, `the loss fell: ${losses[0]} → ${losses[29]}`);
    (mine.losses as number[]).forEach((l, i) => assert.ok(Math.abs(l - losses[i]!) <= 1e-4 * Math.max(1, l), `step ${i}: browser ${losses[i]}, Node ${l}`));
  } finally {
    tg.setNumThreads(threads);
    tg.setBackend(previous);
  }
});

test("in a page that is not isolated: one thread, and setNumThreads names the headers threads need", async () => {
  const r = await run("plain");
  assert.equal(r.isolated, false);
  assert.equal(r.backend, "wasm");
  assert.equal(r.threads, 1);
  assert.match(String(r.threadError), /cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
  assert.ok((r.losses as number[])[29]! < (r.losses as number[])[0]!);
});

test("WebGPU in a page: navigator.gpu's adapter, kernels equal to the CPU's, training as on the CPU, typed errors", async (t) => {
  const r = await run("webgpu");
  t.diagnostic(`adapter: ${r.adapter}`);
  const [cpu, gpu] = [r.cpuLosses as number[], r.gpuLosses as number[]];
  gpu.forEach((l, i) => assert.ok(Math.abs(l - cpu[i]!) <= 1e-4 * Math.max(1, cpu[i]!), `step ${i}: GPU ${l}, CPU ${cpu[i]}`));
  assert.ok(gpu[9]! < gpu[0]!, `the loss fell: ${gpu}`);
  assert.ok((r.matmulError as number) < 1e-4, `matmul differs by ${r.matmulError}`);
  assert.ok((r.sumError as number) < 1e-4, `sum differs by ${r.sumError}`);
  assert.equal(r.argsortEqual, true);
  assert.equal(r.indexError, "IndexError");
  assert.equal(r.syncReadError, "DeviceError");
});

test("the kernel and fused-routine conformance suites and the op parity fixtures on the page's WebGPU backend, as in Node", async (t) => {
  const r = await run("conformance", 300000);
  t.diagnostic(`adapter: ${r.adapter}; ${(r.passed as string[]).length} tests passed`);
  const failed = r.failed as { name: string; error: string }[];
  assert.deepEqual(failed.map((f) => f.name), [], failed.map((f) => `${f.name}: ${f.error}`).join("\n\n"));
  // About 40 conformance tests and the 300 op fixtures, twice (on the default device, and moved there).
  assert.ok((r.passed as string[]).length >= 635, `only ${(r.passed as string[]).length} tests ran`);
});
