/**
 * The playground in a real browser (Debian's Chromium through playwright-core), served by the
 * `tensorgrad playground` command's own server: each page loads, trains in its worker until the
 * loss falls and the accuracy (or return) rises within a bounded time, reacts to the mouse, and
 * leaves a screenshot in test-output/playground/. The timings are printed for the closing notes.
 * The pages run the same bundle whatever Node line or backend runs the suite, so CI's extra passes
 * (TENSORGRAD_QUICK) check only the server.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { BUILT_PLAYGROUND, servePlayground } from "../../src/cli/playground-command.js";
import * as tg from "../../src/index.js";
import { fullPassTest } from "../helpers.js";
import type { PageState } from "../../playground/src/common/page.js";

const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const OUT = path.join(ROOT, "test-output", "playground");
const CHROMIUM = "/usr/bin/chromium";

let server: Server;
let url = "";
let browser: Browser;

before(async () => {
  assert.ok(existsSync(path.join(BUILT_PLAYGROUND, "index.html")), "the playground is not built: npm run build:playground (npm test's pretest does it)");
  ({ server, url } = await servePlayground(BUILT_PLAYGROUND, 0));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});


/** Opens a page and waits until its state says `ready`; fails on any page error or failed request. */
async function open(name: string): Promise<{ page: Page; errors: string[]; readyMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  page.on("response", (r) => void (r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`)));
  const t0 = Date.now();
  await page.goto(`${url}${name}.html`);
  await until(page, (s) => s.status !== "loading", 20_000);
  const readyMs = Date.now() - t0;
  assert.deepEqual(errors, []);
  assert.equal((await state(page)).error, undefined);
  return { page, errors, readyMs };
}

const state = (page: Page) => page.evaluate(() => (window as unknown as { playground: PageState }).playground);

/** Waits until `check(state)` holds (polled), failing with the last state after `ms`. */
async function until(page: Page, check: (s: PageState) => boolean, ms: number): Promise<PageState> {
  const end = Date.now() + ms;
  for (;;) {
    const s = await state(page);
    if (s.error) assert.fail(`the page reports: ${s.error}`);
    if (check(s)) return s;
    if (Date.now() > end) assert.fail(`timed out after ${ms} ms; the page's state: ${JSON.stringify({ ...s, frameTimes: undefined, points: undefined }).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)] ?? NaN;
const median = (xs: number[]) => quantile(xs, 0.5);

function report(name: string, readyMs: number, s: PageState, extra = ""): void {
  console.log(`playground ${name}: ready in ${readyMs} ms (first paint ${s.firstPaintMs.toFixed(0)} ms), ${s.stepsPerSecond.toFixed(1)} steps/s, ` +
    `frame gaps while training: median ${median(s.frameTimes).toFixed(1)} ms, 95th percentile ${quantile(s.frameTimes, 0.95).toFixed(1)} ms${extra}`);
}

test("npx tensorgrad playground serves the built app, cross-origin isolated, and nothing outside it", async () => {
  const cli = path.join(ROOT, "dist", "cli", "index.js");
  const child = spawn(process.execPath, [cli, "playground", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const address = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d;
        const m = /open (http:\/\/\S+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (code) => reject(new Error(`the server exited (${code}): ${out}`)));
    });
    const page = await fetch(`${address}classify.html`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(page.headers.get("cross-origin-embedder-policy"), "require-corp");
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.equal((await fetch(`${address}no-such-page.html`)).status, 404);
    assert.notEqual((await fetch(`${address}..%2f..%2fpackage.json`)).status, 200);
  } finally {
    child.kill();
  }
  const missing = spawnSync(process.execPath, [cli, "playground", "--dir", path.join(tmpdir(), "no-playground-here")], { encoding: "utf8" });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /holds no built playground .*npm run build:playground/);
  const badPort = spawnSync(process.execPath, [cli, "playground", "--port", "http"], { encoding: "utf8" });
  assert.equal(badPort.status, 2);
  assert.match(badPort.stderr, /--port must be a port number/);
});

test("the index page links every page and the server isolates it", async () => {
  const { page } = await open("index");
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  const links = await page.$$eval("#pages a", (as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(links, ["./classify.html", "./mnist.html", "./text.html", "./rl.html", "./graph.html", "./load.html"]);
  await page.close();
});

fullPassTest("2-D classification: the spiral is separated, the regions show it, and the page stays responsive", async () => {
  const { page, errors, readyMs } = await open("classify");
  await page.click("#train");
  const s = await until(page, (st) => st.accuracies.length > 0 && st.accuracies.at(-1)! >= 0.97, 60_000);
  await page.click("#train"); // pause
  assert.ok(s.losses.at(-1)! < s.losses[0]! / 4, `the loss fell from ${s.losses[0]} to ${s.losses.at(-1)}`);
  // The visual check: under each training point, the region's colour is its class's (red for 0,
  // blue for 1), and each class holds a fair share of the plane.
  const regions = await page.evaluate(() => {
    const canvas = document.getElementById("regions") as HTMLCanvasElement;
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    const points = (window as unknown as { playground: { points: { xy: number[]; labels: number[] } } }).playground.points;
    let agree = 0;
    points.labels.forEach((label, i) => {
      const px = Math.min(canvas.width - 1, Math.floor(((points.xy[2 * i]! + 1) / 2) * canvas.width));
      const py = Math.min(canvas.height - 1, Math.floor(((points.xy[2 * i + 1]! + 1) / 2) * canvas.height));
      const at = 4 * (py * canvas.width + px);
      if ((data[at]! > data[at + 2]! ? 0 : 1) === label) agree++;
    });
    let red = 0;
    for (let at = 0; at < data.length; at += 4) if (data[at]! > data[at + 2]!) red++;
    return { agree: agree / points.labels.length, redShare: red / (data.length / 4) };
  });
  assert.ok(regions.agree >= 0.95, `only ${(100 * regions.agree).toFixed(1)}% of the points lie in their class's region`);
  assert.ok(regions.redShare > 0.25 && regions.redShare < 0.75, `class 0's region covers ${(100 * regions.redShare).toFixed(1)}% of the plane`);
  // A click adds a point (class 0; shift-click class 1) and switches to the user's points.
  const before = (await state(page)).points as { labels: number[] };
  await page.click("#points", { position: { x: 30, y: 30 } });
  await page.click("#points", { position: { x: 330, y: 330 }, modifiers: ["Shift"] });
  const after = (await state(page)).points as { labels: number[] };
  assert.equal(after.labels.length, before.labels.length + 2);
  assert.deepEqual(after.labels.slice(-2), [0, 1]);
  await until(page, () => true, 0);
  await page.waitForSelector("#diagram svg", { timeout: 20_000 });
  await page.screenshot({ path: path.join(OUT, "classify.png") });
  assert.deepEqual(errors, []);
  report("classify", readyMs, s, `, ${(100 * regions.agree).toFixed(1)}% of the points in their region after ${s.steps} steps`);
  await page.close();
});

/** Draws a stroke through the points (in the canvas' own pixels) with the mouse. */
async function stroke(page: Page, selector: string, points: [number, number][]): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  await page.mouse.move(box.x + points[0]![0], box.y + points[0]![1]);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
  await page.mouse.up();
}

fullPassTest("MNIST: the seed's CNN learns the digits in the page, and a drawn 1 is read as 1 with its insides shown", async () => {
  const { page, errors, readyMs } = await open("mnist");
  await page.fill("#epochs", "2");
  await page.click("#train");
  const s = await until(page, (st) => st.status === "paused", 90_000);
  assert.ok(s.losses.at(-1)! < s.losses[0]! / 3, `the loss fell from ${s.losses[0]} to ${s.losses.at(-1)}`);
  assert.ok((s.testAccuracy as number) >= 0.9, `test accuracy ${s.testAccuracy} after two epochs`);
  await stroke(page, "#pad", [[140, 50], [140, 120], [141, 180], [140, 235]]);
  const seen = await until(page, (st) => st.prediction !== null, 10_000);
  const probabilities = seen.probabilities as number[];
  assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  assert.equal(seen.prediction, 1, `a vertical stroke was read as ${seen.prediction} (${probabilities.map((p) => p.toFixed(2)).join(" ")})`);
  assert.equal(await page.locator("#filters canvas").count(), 6);
  assert.equal(await page.locator("#activations .grid").count(), 7); // every layer, to the logits
  await page.waitForSelector("#diagram svg", { timeout: 20_000 });
  await page.screenshot({ path: path.join(OUT, "mnist.png"), fullPage: true });
  assert.deepEqual(errors, []);
  report("mnist", readyMs, s, `, ${s.threads} threads, test accuracy ${(100 * (s.testAccuracy as number)).toFixed(1)}% after ${s.steps} steps (two epochs)`);
  await page.close();
});

fullPassTest("CartPole: PPO's returns climb while the latest policy is animated", async () => {
  const { page, errors, readyMs } = await open("rl");
  await page.fill("#steps", "60000");
  await page.click("#train");
  const s = await until(page, (st) => (st.meanReturn as number) >= 400 || st.status === "done", 120_000);
  assert.ok((s.meanReturn as number) >= 400, `the mean return of the last 20 episodes reached only ${s.meanReturn}`);
  assert.ok(s.accuracies[0]! < 100, `the first mean return was ${s.accuracies[0]}`);
  const played = await until(page, (st) => (st.lastEpisodeLength as number) >= 400, 10_000);
  await page.waitForTimeout(1000); // a second of the animation
  await page.screenshot({ path: path.join(OUT, "rl.png") });
  await page.click("#train"); // stop
  await until(page, (st) => st.status === "done", 20_000);
  assert.deepEqual(errors, []);
  report("rl", readyMs, played, `, mean return ${(s.meanReturn as number).toFixed(0)} after ${s.steps} steps; the policy's own episode lasts ${played.lastEpisodeLength} steps`);
  await page.close();
});

fullPassTest("graphs: the GCN separates the karate club's communities from four labels, and the embedding moves", async () => {
  const { page, errors, readyMs } = await open("graph");
  // The worker posts the first embedding just after the page reports ready: wait for it (a loaded CI machine is slower).
  const before = (await until(page, (st) => Array.isArray(st.embedding), 20_000)).embedding as number[];
  await page.fill("#epochs", "1500"); // long enough for a steady speed (the first few hundred warm the engine up)
  await page.click("#train");
  const s = await until(page, (st) => st.status === "paused", 60_000);
  assert.ok(s.losses.at(-1)! < s.losses[0]! / 5, `the loss fell from ${s.losses[0]} to ${s.losses.at(-1)}`);
  assert.ok(s.accuracies.at(-1)! >= 0.7, `accuracy on all members ${s.accuracies.at(-1)}`);
  const after = s.embedding as number[];
  const moved = Math.max(...after.map((v, i) => Math.abs(v - before[i]!)));
  assert.ok(moved > 0.2, `the embedding moved at most ${moved}`);
  await page.waitForSelector("#diagram svg", { timeout: 20_000 });
  await page.screenshot({ path: path.join(OUT, "graph.png") });
  assert.deepEqual(errors, []);
  report("graph", readyMs, s, `, accuracy on all 34 members ${(100 * s.accuracies.at(-1)!).toFixed(1)}% after ${s.steps} epochs`);
  await page.close();
});

fullPassTest("text: the character GPT's loss falls, and Generate streams text token by token", async () => {
  const { page, errors, readyMs } = await open("text");
  await page.fill("#iters", "300");
  await page.click("#train");
  const s = await until(page, (st) => st.status === "paused", 120_000);
  assert.ok(s.losses[0]! > 3.5 && s.losses.at(-1)! < 2.6, `the loss went from ${s.losses[0]} to ${s.losses.at(-1)}`);
  await page.click("#generate");
  // Tokens arrive one by one: the output is seen part-way before it is complete.
  const partway = await until(page, (st) => (st.tokens as number) >= 20, 20_000);
  assert.ok((partway.tokens as number) < 300, "the text came all at once");
  const done = await until(page, (st) => st.generating === false, 60_000);
  assert.equal(done.tokens, 300);
  const words = (done.generated as string).split(/\s+/).filter((w) => /^[a-z]{2,}$/i.test(w));
  assert.ok(words.length >= 10, `the text has few word-like runs: ${JSON.stringify(done.generated)}`);
  await page.waitForSelector("#diagram svg", { timeout: 20_000 });
  await page.screenshot({ path: path.join(OUT, "text.png"), fullPage: true });
  assert.deepEqual(errors, []);
  report("text", readyMs, s, `, loss ${s.losses[0]!.toFixed(2)} → ${s.losses.at(-1)!.toFixed(2)} in ${s.steps} iterations, ${(done.tokensPerSecond as number).toFixed(0)} tokens/s generated`);
  await page.close();
});

fullPassTest("load a model: a folder saved by train --save, and a .keras file, run on a drawn digit", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-playground-"));
  try {
    const saved = path.join(dir, "mlp");
    const cli = spawnSync(process.execPath, [path.join(ROOT, "dist", "cli", "index.js"), "train", "mlp-mnist", "--epochs", "3", "--save", saved], { encoding: "utf8" });
    assert.equal(cli.status, 0, cli.stderr);
    const archive = path.join(dir, "mlp.keras");
    tg.keras.loadModel(saved).save(archive);
    const { page, errors, readyMs } = await open("load");
    const check = async (files: string[], recipe: string | null) => {
      await page.setInputFiles("#files", files);
      const s = await until(page, (st) => st.status === "loaded", 20_000);
      assert.deepEqual(s.loaded, { kind: "image", inputShape: [28, 28, 1], outputs: 10, recipe });
      await page.click("#clear");
      await stroke(page, "#pad", [[140, 50], [140, 120], [141, 180], [140, 235]]);
      const p = await until(page, (st) => st.prediction !== null, 10_000);
      assert.equal(p.prediction, 1, `a vertical stroke was read as ${p.prediction} (${(p.outputs as number[]).map((v) => v.toFixed(2)).join(" ")})`);
      await page.evaluate(() => {
        const st = (window as unknown as { playground: PageState }).playground;
        [st.status, st.prediction] = ["ready", null];
      });
    };
    await check(readdirSync(saved).map((f) => path.join(saved, f)), "mlp-mnist");
    assert.match(await page.locator("#summary").innerText(), /Dense/);
    await page.waitForSelector("#diagram svg", { timeout: 20_000 });
    await page.screenshot({ path: path.join(OUT, "load.png"), fullPage: true });
    await check([archive], null);
    // A damaged file is reported on the page, not thrown away silently.
    await page.setInputFiles("#files", { name: "model.json", mimeType: "application/json", buffer: Buffer.from("{not json") });
    const bad = await page.waitForFunction(() => (window as unknown as { playground: PageState }).playground.error, undefined, { timeout: 10_000 });
    assert.match(String(await bad.jsonValue()), /model\.json/);
    assert.deepEqual(errors, []);
    console.log(`playground load: ready in ${readyMs} ms`);
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
