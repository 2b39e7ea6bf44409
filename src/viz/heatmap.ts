/**
 * Attribution heat maps over images, as SVG grids and PNG files: positive attribution red, negative
 * blue, its strength as opacity over the grey-scale image (Captum's "blended_heat_map").
 */
import type { Tensor } from "../ops/tensor.js";
import { ShapeError, fmtShape } from "../base/errors.js";
import { escape } from "./plot.js";
import { encodePNG } from "./png.js";

/** A 2-D map: nested rows, or a tensor (H, W) or (C, H, W) — channels averaged for images, summed for heat. */
export type Grid = readonly (readonly number[])[] | Tensor;
/** Which attributions are shown: both signs (default), only positive ones, or magnitudes. */
export type HeatSign = "all" | "positive" | "absolute";

export interface HeatmapPanel {
  image?: Grid;
  heat?: Grid;
  title?: string;
}

export interface HeatmapOptions {
  sign?: HeatSign;
  /** Strongest opacity of the heat over the image (default 0.8). */
  alpha?: number;
}

function toRows(g: Grid, combine: "mean" | "sum"): number[][] {
  if (!("dataSync" in g)) return g.map((r) => [...r]);
  const t = g.ndim === 3 ? (combine === "mean" ? g.mean(0) : g.sum(0)) : g;
  if (t.ndim !== 2) throw new ShapeError(`heat map: expected an (H, W) or (C, H, W) map, got shape ${fmtShape(g.shape)}`);
  return t.tolist() as number[][];
}

/** RGB of one pixel: the image's grey (0 = black … 1 = white) with the heat h ∈ [−1, 1] blended over it. */
function blend(grey: number, h: number, alpha: number): [number, number, number] {
  const base = 255 * grey;
  const colour = h >= 0 ? [215, 25, 28] : [44, 123, 182];
  const a = Math.min(1, Math.abs(h)) * alpha;
  return [0, 1, 2].map((i) => Math.round(base * (1 - a) + colour[i]! * a)) as [number, number, number];
}

/** Pixels of one panel as RGB rows, the image scaled to [0, 1] and the heat to [−1, 1] by its largest magnitude. */
function panelPixels(panel: HeatmapPanel, { sign = "all", alpha = 0.8 }: HeatmapOptions): [number, number, number][][] {
  const image = panel.image ? toRows(panel.image, "mean") : null;
  let heat = panel.heat ? toRows(panel.heat, "sum") : null;
  const h = image?.length ?? heat?.length ?? 0;
  const w = image?.[0]?.length ?? heat?.[0]?.length ?? 0;
  if (image && heat && (heat.length !== h || heat[0]?.length !== w)) {
    throw new ShapeError(`heat map: image ${h}×${w} and heat ${heat.length}×${heat[0]?.length ?? 0} differ in size`);
  }
  if (heat) heat = heat.map((r) => r.map((v) => (sign === "absolute" ? Math.abs(v) : sign === "positive" ? Math.max(v, 0) : v)));
  const flatImage = image?.flat() ?? [];
  const lo = flatImage.length ? Math.min(...flatImage) : 0;
  const span = flatImage.length ? Math.max(...flatImage) - lo || 1 : 1;
  const peak = heat ? Math.max(...heat.flat().map(Math.abs)) || 1 : 1;
  return Array.from({ length: h }, (_, y) =>
    Array.from({ length: w }, (_, x) => blend(image ? 0.35 + 0.65 * (1 - (image[y]![x]! - lo) / span) : 1, heat ? heat[y]![x]! / peak : 0, alpha)),
  );
}

/** Panels side by side in an SVG grid (e.g. a digit, its saliency, its integrated gradients …). */
export function heatmapsToSVG(panels: readonly HeatmapPanel[], opts: HeatmapOptions & { columns?: number; scale?: number } = {}): string {
  const { columns = Math.min(6, panels.length), scale = 4 } = opts;
  const pixels = panels.map((p) => panelPixels(p, opts));
  const h = Math.max(...pixels.map((p) => p.length));
  const w = Math.max(...pixels.map((p) => p[0]?.length ?? 0));
  const titled = panels.some((p) => p.title);
  const cell = { w: w * scale + 10, h: h * scale + (titled ? 24 : 10) };
  const parts: string[] = [];
  pixels.forEach((rows, n) => {
    const [ox, oy] = [(n % columns) * cell.w + 5, Math.floor(n / columns) * cell.h + 5];
    if (titled) parts.push(`<text x="${ox + (w * scale) / 2}" y="${oy + 11}" font-size="11" text-anchor="middle">${escape(panels[n]!.title ?? "")}</text>`);
    const top = oy + (titled ? 15 : 0);
    rows.forEach((row, y) => row.forEach(([r, g, b], x) => {
      if (r < 255 || g < 255 || b < 255) parts.push(`<rect x="${ox + x * scale}" y="${top + y * scale}" width="${scale}" height="${scale}" fill="rgb(${r},${g},${b})"/>`);
    }));
  });
  const rows = Math.ceil(panels.length / columns);
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${columns * cell.w}" height="${rows * cell.h}" font-family="sans-serif">`, `<rect width="100%" height="100%" fill="white"/>`, ...parts, "</svg>", ""].join("\n");
}

/** One panel as a PNG file, each pixel drawn as a scale × scale square. */
export function heatmapToPNG(panel: HeatmapPanel, opts: HeatmapOptions & { scale?: number } = {}): Uint8Array {
  const { scale = 8 } = opts;
  const rows = panelPixels(panel, opts);
  const [h, w] = [rows.length * scale, (rows[0]?.length ?? 0) * scale];
  const rgba = new Uint8Array(h * w * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = rows[Math.floor(y / scale)]![Math.floor(x / scale)]!;
      rgba.set([r, g, b, 255], (y * w + x) * 4);
    }
  }
  return encodePNG(w, h, rgba);
}
