/**
 * Images with their detections or masks as one SVG: each image embedded as a PNG drawn pixelated at
 * `scale`, boxes as rectangles with "label score" tags, in a grid of panels with titles. Masks are
 * blended into the pixels beforehand (tg.vision.utils.drawSegmentationMasks).
 */
import { ShapeError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { escape } from "./plot.js";
import { encodePNG } from "./png.js";

export interface DetectionPanel {
  /** [1 or 3, H, W] in [0, 1]. */
  image: Tensor;
  /** xyxy boxes [K, 4] in the image's pixels. */
  boxes?: Tensor;
  /** One tag per box (a class name). */
  labels?: readonly string[];
  /** One score per box, printed after its label. */
  scores?: readonly number[];
  /** One CSS colour per box. */
  colors?: readonly string[];
  title?: string;
}

const TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** An image [1 or 3, H, W] in [0, 1] as a PNG data URI. */
export function imageToDataURI(image: Tensor): string {
  if (image.ndim !== 3 || (image.shape[0] !== 1 && image.shape[0] !== 3)) throw new ShapeError(`imageToDataURI: image must be [1 or 3, H, W], got ${fmtShape(image.shape)}`);
  const [C, H, W] = image.shape as [number, number, number];
  const src = image.contiguous().dataSync();
  const rgba = new Uint8Array(4 * H * W);
  for (let i = 0; i < H * W; i++) {
    for (let c = 0; c < 3; c++) rgba[4 * i + c] = Math.round(255 * Math.min(Math.max(src[(C === 3 ? c : 0) * H * W + i]!, 0), 1));
    rgba[4 * i + 3] = 255;
  }
  const png = encodePNG(W, H, rgba);
  let binary = "";
  for (let i = 0; i < png.length; i += 0x8000) binary += String.fromCharCode(...png.subarray(i, i + 0x8000));
  return `data:image/png;base64,${btoa(binary)}`;
}

export function detectionsToSVG(panels: readonly DetectionPanel[], { columns = Math.min(4, panels.length), scale = 4 }: { columns?: number; scale?: number } = {}): string {
  if (panels.length === 0) throw new ShapeError("detectionsToSVG: no panels");
  const [, H, W] = panels[0]!.image.shape as [number, number, number];
  const titled = panels.some((p) => p.title);
  const cell = { w: W * scale + 12, h: H * scale + 12 + (titled ? 16 : 0) };
  const parts: string[] = [];
  panels.forEach((p, n) => {
    const ox = (n % columns) * cell.w + 6;
    let oy = Math.floor(n / columns) * cell.h + 6;
    if (titled) {
      parts.push(`<text x="${ox + (W * scale) / 2}" y="${oy + 11}" font-size="12" text-anchor="middle" font-family="sans-serif">${escape(p.title ?? "")}</text>`);
      oy += 16;
    }
    const [, h, w] = p.image.shape as [number, number, number];
    parts.push(`<image x="${ox}" y="${oy}" width="${w * scale}" height="${h * scale}" style="image-rendering:pixelated" href="${imageToDataURI(p.image)}"/>`);
    if (!p.boxes) return;
    const b = p.boxes.contiguous().dataSync();
    for (let k = 0; k < b.length / 4; k++) {
      const colour = p.colors?.[k] ?? TAB10[k % TAB10.length]!;
      const [x1, y1, x2, y2] = [0, 1, 2, 3].map((i) => b[k * 4 + i]! * scale);
      parts.push(`<rect x="${ox + x1!}" y="${oy + y1!}" width="${x2! - x1!}" height="${y2! - y1!}" fill="none" stroke="${colour}" stroke-width="2"/>`);
      const tag = [p.labels?.[k], p.scores?.[k] !== undefined ? p.scores[k]!.toFixed(2) : undefined].filter((s) => s !== undefined).join(" ");
      if (tag) {
        parts.push(`<rect x="${ox + x1!}" y="${oy + y1! - 13}" width="${7 * tag.length + 4}" height="13" fill="${colour}"/>`);
        parts.push(`<text x="${ox + x1! + 2}" y="${oy + y1! - 3}" font-size="11" fill="white" font-family="sans-serif">${escape(tag)}</text>`);
      }
    }
  });
  const rows = Math.ceil(panels.length / columns);
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${columns * cell.w}" height="${rows * cell.h}">`, `<rect width="100%" height="100%" fill="white"/>`, ...parts, "</svg>", ""].join("\n");
}
