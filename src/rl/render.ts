/**
 * Frames without a graphics library: an environment describes its picture once as a `Scene` (polygons,
 * circles, lines, text in pixel coordinates, y down), and the scene becomes either an RGB image
 * (a small even-odd scanline rasterizer, Gymnasium's `rgb_array`: height × width × 3 bytes) or an SVG
 * document. `framesToSVG` turns a list of scenes into one animated SVG, so an example can save a
 * policy's episode as a picture that plays in any browser.
 */
export type RenderMode = "rgb_array" | "svg" | "ansi";
export type Color = readonly [number, number, number];

export type Shape =
  | { kind: "polygon"; points: readonly (readonly [number, number])[]; fill: Color }
  | { kind: "circle"; cx: number; cy: number; r: number; fill: Color }
  | { kind: "line"; x1: number; y1: number; x2: number; y2: number; stroke: Color; width: number }
  | { kind: "text"; x: number; y: number; text: string; size: number; fill: Color };

export interface Scene {
  width: number;
  height: number;
  background: Color;
  shapes: Shape[];
}

/** Gymnasium's rgb_array frame: `data[(y * width + x) * 3 + c]`. */
export interface RGBImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Frame = RGBImage | string;

/** A thick line as the polygon it covers. */
function lineToPolygon(s: Extract<Shape, { kind: "line" }>): [number, number][] {
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  const len = Math.hypot(dx, dy) || 1;
  const nx = (-dy / len) * (s.width / 2);
  const ny = (dx / len) * (s.width / 2);
  return [[s.x1 + nx, s.y1 + ny], [s.x2 + nx, s.y2 + ny], [s.x2 - nx, s.y2 - ny], [s.x1 - nx, s.y1 - ny]];
}

function fillPolygon(img: RGBImage, points: readonly (readonly [number, number])[], color: Color): void {
  const ys = points.map((p) => p[1]);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(img.height - 1, Math.ceil(Math.max(...ys)));
  const xs: number[] = [];
  for (let y = y0; y <= y1; y++) {
    const cy = y + 0.5; // sample at pixel centres
    xs.length = 0;
    for (let i = 0; i < points.length; i++) {
      const [ax, ay] = points[i]!;
      const [bx, by] = points[(i + 1) % points.length]!;
      if ((ay <= cy && by > cy) || (by <= cy && ay > cy)) xs.push(ax + ((cy - ay) / (by - ay)) * (bx - ax));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const to = Math.min(img.width - 1, Math.floor(xs[k + 1]! - 0.5));
      for (let x = from; x <= to; x++) img.data.set(color, (y * img.width + x) * 3);
    }
  }
}

function fillCircle(img: RGBImage, cx: number, cy: number, r: number, color: Color): void {
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(img.height - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(img.width - 1, Math.ceil(cx + r)); x++) {
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) img.data.set(color, (y * img.width + x) * 3);
    }
  }
}

/** Rasterizes a scene (text is left out: it only appears in SVG). */
export function sceneToRGB(scene: Scene): RGBImage {
  const img: RGBImage = { width: scene.width, height: scene.height, data: new Uint8Array(scene.width * scene.height * 3) };
  for (let i = 0; i < scene.width * scene.height; i++) img.data.set(scene.background, i * 3);
  for (const s of scene.shapes) {
    if (s.kind === "polygon") fillPolygon(img, s.points, s.fill);
    else if (s.kind === "circle") fillCircle(img, s.cx, s.cy, s.r, s.fill);
    else if (s.kind === "line") fillPolygon(img, lineToPolygon(s), s.stroke);
  }
  return img;
}

const rgb = (c: Color) => `rgb(${c[0]},${c[1]},${c[2]})`;
const num = (v: number) => String(Math.round(v * 100) / 100);
const escapeXml = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function shapeToSVG(s: Shape): string {
  switch (s.kind) {
    case "polygon":
      return `<polygon points="${s.points.map(([x, y]) => `${num(x)},${num(y)}`).join(" ")}" fill="${rgb(s.fill)}"/>`;
    case "circle":
      return `<circle cx="${num(s.cx)}" cy="${num(s.cy)}" r="${num(s.r)}" fill="${rgb(s.fill)}"/>`;
    case "line":
      return `<line x1="${num(s.x1)}" y1="${num(s.y1)}" x2="${num(s.x2)}" y2="${num(s.y2)}" stroke="${rgb(s.stroke)}" stroke-width="${num(s.width)}"/>`;
    case "text":
      return `<text x="${num(s.x)}" y="${num(s.y)}" font-size="${num(s.size)}" font-family="sans-serif" fill="${rgb(s.fill)}">${escapeXml(s.text)}</text>`;
  }
}

const sceneBody = (scene: Scene) =>
  `<rect width="${scene.width}" height="${scene.height}" fill="${rgb(scene.background)}"/>${scene.shapes.map(shapeToSVG).join("")}`;

export function sceneToSVG(scene: Scene): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}">${sceneBody(scene)}</svg>\n`;
}

/**
 * An animated SVG: each scene is a group shown for 1/fps seconds in turn, looping (SMIL `set` on
 * `visibility`, which every evergreen browser plays).
 */
export function framesToSVG(scenes: readonly Scene[], fps = 30): string {
  if (scenes.length === 0) throw new RangeError("framesToSVG: no frames");
  const { width, height } = scenes[0]!;
  const dur = scenes.length / fps;
  const groups = scenes.map((scene, i) => {
    const begin = i / fps;
    // Visible from begin to begin + 1/fps of each loop; keyTimes over the whole loop.
    const values = i === 0 ? "visible;hidden" : "hidden;visible;hidden";
    const keyTimes = i === 0 ? `0;${num(1 / scenes.length)}` : `0;${(begin / dur).toFixed(6)};${((begin + 1 / fps) / dur).toFixed(6)}`;
    return `<g visibility="hidden"><animate attributeName="visibility" values="${values}" keyTimes="${keyTimes}" dur="${num(dur)}s" calcMode="discrete" repeatCount="indefinite"/>${sceneBody(scene)}</g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${groups.join("")}</svg>\n`;
}

/** An environment's frame in the mode it was made with. */
export function renderScene(scene: Scene, mode: RenderMode | undefined): Frame | undefined {
  if (mode === "rgb_array") return sceneToRGB(scene);
  if (mode === "svg") return sceneToSVG(scene);
  return undefined;
}
