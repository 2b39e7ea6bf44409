/** Points in the plane coloured by class, as an SVG (2-D embeddings: Node2Vec, t-SNE, PCA). */
import { ValueError } from "../base/errors.js";
import { COLORS, escape } from "./plot.js";

export interface ScatterOptions {
  title?: string;
  width?: number;
  height?: number;
  /** A label per point (numbers name the classes; also shown as the point's tooltip). */
  names?: readonly string[];
  /** A name per class, drawn as a legend (e.g. Fashion-MNIST's "T-shirt/top", "Trouser", …). */
  classNames?: readonly string[];
  /** Dot radius (default 6, or 2.5 for more than 500 points, drawn without outlines or tooltips). */
  radius?: number;
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
  const legendWidth = opts.classNames ? 110 : 0; // the legend gets a column of its own, right of the points
  const px = (x: number) => pad + ((x - x0) / dx) * (width - 2 * pad - legendWidth);
  const py = (y: number) => height - pad - ((y - y0) / dy) * (height - 2 * pad);
  // Many points: small dots and no per-point tooltips, so that a 2,000-point picture stays light.
  const dense = points.length > 500;
  const { radius = dense ? 2.5 : 6, classNames } = opts;
  const dots = points.map(([x, y], i) => {
    const at = `cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="${radius}" fill="${COLORS[classes[i]! % COLORS.length]}"`;
    if (dense && !names) return `<circle ${at} fill-opacity="0.7"/>`;
    return `<circle ${at} stroke="#333"><title>${escape(names?.[i] ?? `class ${classes[i]}`)}</title></circle>`;
  });
  const legend = (classNames ?? []).map((name, c) => `<g font-family="sans-serif" font-size="11"><circle cx="${width - legendWidth + 8}" cy="${40 + 14 * c}" r="4" fill="${COLORS[c % COLORS.length]}"/><text x="${width - legendWidth + 16}" y="${44 + 14 * c}">${escape(name)}</text></g>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-family="sans-serif" font-size="14">${escape(title)}</text>`,
    ...dots,
    ...legend,
    "</svg>",
    "",
  ].join("\n");
}
