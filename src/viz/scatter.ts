/** Points in the plane coloured by class, as an SVG (2-D embeddings: Node2Vec, t-SNE, PCA). */
import { ValueError } from "../core/errors.js";
import { COLORS, escape } from "./plot.js";

export interface ScatterOptions {
  title?: string;
  width?: number;
  height?: number;
  /** A label per point (numbers name the classes; also shown as the point's tooltip). */
  names?: readonly string[];
}

export function scatterToSVG(points: readonly (readonly [number, number])[], classes: readonly number[], opts: ScatterOptions = {}): string {
  const { title = "Embedding", width = 480, height = 480, names } = opts;
  if (classes.length !== points.length) throw new ValueError(`scatterToSVG: ${points.length} points but ${classes.length} classes`);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const span = (v: number[]) => [Math.min(...v), Math.max(...v) - Math.min(...v) || 1] as const;
  const [x0, dx] = span(xs);
  const [y0, dy] = span(ys);
  const pad = 30;
  const px = (x: number) => pad + ((x - x0) / dx) * (width - 2 * pad);
  const py = (y: number) => height - pad - ((y - y0) / dy) * (height - 2 * pad);
  const dots = points.map(([x, y], i) => {
    const tip = names?.[i] ?? `class ${classes[i]}`;
    return `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="6" fill="${COLORS[classes[i]! % COLORS.length]}" stroke="#333"><title>${escape(tip)}</title></circle>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-family="sans-serif" font-size="14">${escape(title)}</text>`,
    ...dots,
    "</svg>",
    "",
  ].join("\n");
}
