/** A dendrogram as an SVG, from the layout `cluster.dendrogram(Z)` computes (SciPy's icoord/dcoord). */
import { escape } from "./plot.js";

export interface DendrogramLayout {
  leaves: readonly number[];
  icoord: readonly (readonly number[])[];
  dcoord: readonly (readonly number[])[];
}

export function dendrogramToSVG(d: DendrogramLayout, opts: { title?: string; width?: number; height?: number; labels?: readonly string[] } = {}): string {
  const { title = "Dendrogram", width = 720, height = 360, labels } = opts;
  const pad = { left: 40, right: 10, top: 30, bottom: 40 };
  const xMax = 10 * d.leaves.length;
  const yMax = Math.max(1e-12, ...d.dcoord.flat());
  const px = (x: number) => pad.left + (x / xMax) * (width - pad.left - pad.right);
  const py = (y: number) => height - pad.bottom - (y / yMax) * (height - pad.top - pad.bottom);
  const links = d.icoord.map((xs, i) => {
    const ys = d.dcoord[i]!;
    const pts = xs.map((x, k) => `${px(x).toFixed(1)},${py(ys[k]!).toFixed(1)}`).join(" ");
    return `<polyline points="${pts}" fill="none" stroke="#1f77b4" stroke-width="1.2"/>`;
  });
  const showLeaves = d.leaves.length <= 80;
  const leafText = showLeaves
    ? d.leaves.map((leaf, i) => `<text x="${px(5 + 10 * i).toFixed(1)}" y="${height - pad.bottom + 12}" font-size="9" text-anchor="middle" font-family="sans-serif">${escape(labels?.[leaf] ?? String(leaf))}</text>`)
    : [];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-family="sans-serif" font-size="14">${escape(title)}</text>`,
    `<line x1="${pad.left}" y1="${py(0)}" x2="${pad.left}" y2="${py(yMax)}" stroke="#333"/>`,
    `<text x="${pad.left - 4}" y="${py(yMax) + 4}" font-size="10" text-anchor="end" font-family="sans-serif">${yMax.toPrecision(3)}</text>`,
    ...links,
    ...leafText,
    "</svg>",
    "",
  ].join("\n");
}
