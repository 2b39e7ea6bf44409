/**
 * Attention matrices as an SVG: for each example, a grid with the output tokens down the side and
 * the source tokens along the top, each cell as dark as the weight the output put on that source
 * token (Bahdanau et al.'s figure 3).
 */
import { ShapeError } from "../base/errors.js";
import { escape } from "./plot.js";

export interface AttentionPanel {
  source: readonly string[];
  output: readonly string[];
  /** weights[i][j]: output token i's attention on source token j (rows sum to 1). */
  weights: readonly (readonly number[])[];
}

const CELL = 22;

export function attentionToSVG(panels: readonly AttentionPanel[], { title = "Attention" }: { title?: string } = {}): string {
  const gap = 36;
  const label = 28;
  let width = gap;
  let height = 0;
  panels.forEach((p, k) => {
    if (p.weights.length !== p.output.length || p.weights.some((r) => r.length !== p.source.length)) {
      throw new ShapeError(`attentionToSVG: panel ${k} has ${p.weights.length}×${p.weights[0]?.length ?? 0} weights for ${p.output.length} output and ${p.source.length} source tokens`);
    }
    width += label + p.source.length * CELL + gap;
    height = Math.max(height, label + p.output.length * CELL);
  });
  height += 40 + gap;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-family="sans-serif" font-size="14">${escape(title)}</text>`,
  ];
  let x0 = gap;
  for (const p of panels) {
    const top = 40 + label;
    const left = x0 + label;
    p.source.forEach((s, j) => parts.push(`<text x="${left + j * CELL + CELL / 2}" y="${top - 8}" text-anchor="middle">${escape(s === " " ? "␣" : s)}</text>`));
    p.output.forEach((s, i) => {
      parts.push(`<text x="${left - 6}" y="${top + i * CELL + CELL / 2 + 4}" text-anchor="end">${escape(s === " " ? "␣" : s)}</text>`);
      p.weights[i]!.forEach((w, j) => {
        const shade = Math.round(255 * (1 - Math.min(1, Math.max(0, w))));
        parts.push(`<rect x="${left + j * CELL}" y="${top + i * CELL}" width="${CELL}" height="${CELL}" fill="rgb(${shade},${shade},${shade})" stroke="#ddd"><title>${w.toFixed(3)}</title></rect>`);
      });
    });
    x0 += label + p.source.length * CELL + gap;
  }
  parts.push("</svg>");
  return parts.join("\n");
}
