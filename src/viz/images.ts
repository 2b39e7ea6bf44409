/** Grey-scale images (values in [0, 1], or scaled to their range) in a grid, as an SVG of pixel rectangles. */
import { escape } from "./plot.js";

export function imagesToSVG(images: readonly (readonly (readonly number[])[])[], opts: { columns?: number; scale?: number; titles?: readonly string[] } = {}): string {
  const { columns = Math.min(10, images.length), scale = 3, titles } = opts;
  const h = images[0]?.length ?? 0;
  const w = images[0]?.[0]?.length ?? 0;
  const cell = { w: w * scale + 8, h: h * scale + (titles ? 22 : 8) };
  const rows = Math.ceil(images.length / columns);
  const parts: string[] = [];
  images.forEach((img, n) => {
    const flat = img.flat();
    const lo = Math.min(...flat);
    const span = Math.max(...flat) - lo || 1;
    const [ox, oy] = [(n % columns) * cell.w + 4, Math.floor(n / columns) * cell.h + 4];
    if (titles) parts.push(`<text x="${ox + (w * scale) / 2}" y="${oy + 10}" font-size="11" text-anchor="middle" font-family="sans-serif">${escape(titles[n] ?? "")}</text>`);
    const top = oy + (titles ? 14 : 0);
    img.forEach((row, y) => row.forEach((v, x) => {
      const g = Math.round(255 * (1 - (v - lo) / span));
      if (g < 250) parts.push(`<rect x="${ox + x * scale}" y="${top + y * scale}" width="${scale}" height="${scale}" fill="rgb(${g},${g},${g})"/>`);
    }));
  });
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${columns * cell.w}" height="${rows * cell.h}">`, `<rect width="100%" height="100%" fill="white"/>`, ...parts, "</svg>", ""].join("\n");
}
