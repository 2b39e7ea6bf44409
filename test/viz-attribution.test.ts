/** Attribution pictures: PNG encoding (decoded back with node:zlib), heat-map SVGs, token HTML, bars. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inflateSync, crc32 } from "node:zlib";
import * as tg from "../src/index.js";

const { viz } = tg;

function readChunks(png: Uint8Array) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; data: Uint8Array; crc: number }[] = [];
  for (let at = 8; at < png.length; ) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + len), crc: view.getUint32(at + 8 + len) });
    at += 12 + len;
  }
  return chunks;
}

test("encodePNG writes a valid RGBA PNG: signature, chunk CRCs, filtered rows that inflate to the pixels", () => {
  const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
  const png = viz.encodePNG(3, 2, rgba);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks = readChunks(png);
  assert.deepEqual(chunks.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  for (const c of chunks) assert.equal(c.crc, crc32(Buffer.concat([Buffer.from(c.type), c.data])));
  const header = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset);
  assert.deepEqual([header.getUint32(0), header.getUint32(4), chunks[0]!.data[8], chunks[0]!.data[9]], [3, 2, 8, 6]);
  const raw = inflateSync(chunks[1]!.data);
  assert.equal(raw.length, 2 * 13);
  assert.deepEqual([...raw.subarray(1, 13)], [...rgba.subarray(0, 12)]);
  assert.equal(raw[13], 0);
  assert.throws(() => viz.encodePNG(3, 2, new Uint8Array(5)), /5 bytes for 3×2/);
});

test("heat maps: positive red, negative blue over the image; SVG panels with titles; PNG scaled", () => {
  const image = [[0, 1], [1, 0]];
  const heat = tg.tensor([[[1, -1], [0, 0.5]]]);
  const png = viz.heatmapToPNG({ image, heat }, { scale: 2 });
  const raw = inflateSync(readChunks(png)[1]!.data);
  // Pixel (0, 0): full positive heat → reddest; pixel (0, 1) in the top row's third column: full negative → bluish.
  const px = (x: number, y: number) => [...raw.subarray(y * (4 * 4 + 1) + 1 + x * 4, y * (4 * 4 + 1) + 1 + x * 4 + 3)];
  const [r0, , b0] = px(0, 0);
  const [r1, , b1] = px(2, 0);
  assert.ok(r0! > b0! && b1! > r1!, `${px(0, 0)} ${px(2, 0)}`);
  const svg = viz.heatmapsToSVG([{ image, title: "digit <7>" }, { image, heat, title: "saliency" }], { sign: "absolute" });
  assert.match(svg, /^<svg/);
  assert.match(svg, /digit &lt;7>/);
  assert.throws(() => viz.heatmapsToSVG([{ image, heat: [[1, 2, 3]] }]), tg.ShapeError);
});

test("tokensToHTML and attributionBarsToSVG", () => {
  const htmlOut = viz.tokensToHTML(["free", "<money>", "now"], [0.9, -0.3, 0]);
  assert.match(htmlOut, /rgba\(26,150,65,1\.000\);[^>]*>free/);
  assert.match(htmlOut, /&lt;money&gt;/);
  assert.throws(() => viz.tokensToHTML(["a"], [1, 2]), /1 tokens but 2 scores/);
  const bars = viz.attributionBarsToSVG(["age", "income"], [0.5, -1]);
  assert.match(bars, /fill="#2c7bb6"/);
  assert.match(bars, />income</);
});

test("tradeoffToSVG: one point and legend entry per name; non-finite points are errors", () => {
  const svg = viz.tradeoffToSVG([{ name: "unmitigated", x: 0.2, y: 0.9 }, { name: "threshold <DP>", x: 0.01, y: 0.88 }], { xLabel: "gap", yLabel: "accuracy" });
  assert.equal(svg.match(/<circle/g)?.length, 4);
  assert.match(svg, /threshold &lt;DP>/);
  assert.throws(() => viz.tradeoffToSVG([{ name: "a", x: NaN, y: 1 }]), /not finite/);
});
