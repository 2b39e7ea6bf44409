/**
 * Attributions of text and tables: tokens highlighted by their scores (HTML, Captum's
 * visualize_text), and a bar chart of per-feature attributions (SVG).
 */
import { ValueError } from "../base/errors.js";
import { escape } from "./plot.js";

const html = (s: string) => escape(s).replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Tokens as HTML spans, green for positive scores and red for negative, strength by |score|. */
export function tokensToHTML(tokens: readonly string[], scores: readonly number[], { title }: { title?: string } = {}): string {
  if (tokens.length !== scores.length) throw new ValueError(`tokensToHTML: ${tokens.length} tokens but ${scores.length} scores`);
  const peak = Math.max(...scores.map(Math.abs)) || 1;
  const spans = tokens.map((tok, i) => {
    const s = scores[i]! / peak;
    const colour = s >= 0 ? `rgba(26,150,65,${Math.abs(s).toFixed(3)})` : `rgba(215,25,28,${Math.abs(s).toFixed(3)})`;
    return `<span title="${scores[i]!.toPrecision(4)}" style="background:${colour};padding:1px 2px;border-radius:3px">${html(tok)}</span>`;
  });
  const heading = title ? `<div style="font-weight:bold;margin-bottom:4px">${html(title)}</div>` : "";
  return `<div style="font-family:sans-serif;line-height:1.9">${heading}${spans.join(" ")}</div>\n`;
}

/** Horizontal bars of attributions per named feature (positive right in red, negative left in blue). */
export function attributionBarsToSVG(names: readonly string[], values: readonly number[], { title = "Attributions", width = 560 }: { title?: string; width?: number } = {}): string {
  if (names.length !== values.length) throw new ValueError(`attributionBarsToSVG: ${names.length} names but ${values.length} values`);
  const row = 20;
  const label = 150;
  const top = 34;
  const height = top + names.length * row + 16;
  const half = (width - label - 20) / 2;
  const zero = label + 10 + half;
  const peak = Math.max(...values.map(Math.abs)) || 1;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    `<line x1="${zero}" y1="${top - 4}" x2="${zero}" y2="${height - 12}" stroke="#444"/>`,
  ];
  names.forEach((name, i) => {
    const v = values[i]!;
    const len = (Math.abs(v) / peak) * half;
    const y = top + i * row;
    parts.push(`<text x="${label}" y="${y + 13}" text-anchor="end">${escape(name)}</text>`);
    parts.push(`<rect x="${v >= 0 ? zero : zero - len}" y="${y + 3}" width="${len}" height="${row - 6}" fill="${v >= 0 ? "#d7191c" : "#2c7bb6"}"/>`);
    parts.push(`<text x="${v >= 0 ? zero + len + 4 : zero - len - 4}" y="${y + 13}" text-anchor="${v >= 0 ? "start" : "end"}" font-size="10">${v.toPrecision(3)}</text>`);
  });
  parts.push("</svg>", "");
  return parts.join("\n");
}
