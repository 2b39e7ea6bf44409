/**
 * Named points on labelled axes, as an SVG: trade-offs such as accuracy against a fairness gap, one
 * point per model or mitigation.
 */
import { ValueError } from "../base/errors.js";
import { COLORS, escape } from "./plot.js";

export interface NamedPoint {
  name: string;
  x: number;
  y: number;
}

export function tradeoffToSVG(points: readonly NamedPoint[], { title = "Trade-off", xLabel = "x", yLabel = "y", width = 560, height = 400 }: { title?: string; xLabel?: string; yLabel?: string; width?: number; height?: number } = {}): string {
  if (!points.length) throw new ValueError("tradeoffToSVG: no points");
  for (const p of points) if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new ValueError(`tradeoffToSVG: point '${p.name}' is not finite (${p.x}, ${p.y})`);
  const pad = { left: 64, right: 170, top: 36, bottom: 48 };
  const range = (v: number[]) => {
    const [lo, hi] = [Math.min(...v), Math.max(...v)];
    const margin = (hi - lo || Math.abs(hi) || 1) * 0.1;
    return [lo - margin, hi + margin] as const;
  };
  const [x0, x1] = range(points.map((p) => p.x));
  const [y0, y1] = range(points.map((p) => p.y));
  const sx = (v: number) => pad.left + ((width - pad.left - pad.right) * (v - x0)) / (x1 - x0);
  const sy = (v: number) => height - pad.bottom - ((height - pad.top - pad.bottom) * (v - y0)) / (y1 - y0);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${(width - pad.right + pad.left) / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="black"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="black"/>`,
    `<text x="${(width - pad.right + pad.left) / 2}" y="${height - 10}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text transform="translate(16 ${(height - pad.bottom + pad.top) / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const xv = x0 + ((x1 - x0) * t) / 4;
    const yv = y0 + ((y1 - y0) * t) / 4;
    parts.push(`<text x="${sx(xv)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-size="10">${xv.toPrecision(3)}</text>`);
    parts.push(`<text x="${pad.left - 6}" y="${sy(yv) + 3}" text-anchor="end" font-size="10">${yv.toPrecision(3)}</text>`);
  }
  points.forEach((p, i) => {
    const colour = COLORS[i % COLORS.length]!;
    parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="5" fill="${colour}"><title>${escape(p.name)}: (${p.x}, ${p.y})</title></circle>`);
    parts.push(`<circle cx="${width - pad.right + 16}" cy="${pad.top + 10 + i * 18}" r="5" fill="${colour}"/>`);
    parts.push(`<text x="${width - pad.right + 26}" y="${pad.top + 14 + i * 18}">${escape(p.name)}</text>`);
  });
  parts.push("</svg>", "");
  return parts.join("\n");
}
