/**
 * A procedural shapes dataset: coloured circles, squares and triangles on textured backgrounds,
 * with exact boxes and masks (a pixel is inside when its centre is), for detection and
 * segmentation without downloads. Scene i is drawn from its own seeded stream.
 */
import { ValueError } from "../../base/errors.js";
import { tensor } from "../../ops/creation.js";
import { Dataset } from "../../data/dataset.js";
import type { Generator } from "../../base/rng.js";
import { overlaps, sceneGenerator, targetFromMasks, type DetectionSample, type DetectionTransform, type DrawnObject } from "./target.js";

export interface ShapesOptions {
  /** Scenes in the dataset (default 10,000). */
  length?: number;
  /** The canvas is size × size pixels (default 64). */
  size?: number;
  /** Shapes per scene, drawn uniformly in [min, max] (default [1, 4]); fewer where they do not fit apart. */
  objects?: [number, number];
  /** A shape's width in pixels, drawn uniformly in [min, max] (default [10, 24]). */
  shapeSize?: [number, number];
  seed?: number;
  transforms?: DetectionTransform;
}

type Inside = (x: number, y: number) => boolean;

/** Whether the pixel centre (x, y) lies in a shape of width s with top-left corner (ox, oy). */
const SHAPES: Record<string, (ox: number, oy: number, s: number) => Inside> = {
  circle: (ox, oy, s) => (x, y) => (x - ox - s / 2) ** 2 + (y - oy - s / 2) ** 2 <= (s / 2) ** 2,
  square: (ox, oy, s) => (x, y) => x >= ox && x < ox + s && y >= oy && y < oy + s,
  // An upright isosceles triangle: apex at the top middle, base along the bottom.
  triangle: (ox, oy, s) => (x, y) => {
    const t = (y - oy) / s;
    return t >= 0 && t <= 1 && Math.abs(x - ox - s / 2) <= (t * s) / 2;
  },
};

export class Shapes extends Dataset<DetectionSample> {
  static readonly classes = ["background", "circle", "square", "triangle"];
  readonly classes = Shapes.classes;
  readonly size: number;
  private readonly options: Required<Omit<ShapesOptions, "transforms" | "size">> & { transforms?: DetectionTransform };

  constructor({ length = 10_000, size = 64, objects = [1, 4], shapeSize = [10, 24], seed = 0, transforms }: ShapesOptions = {}) {
    super();
    if (!(Number.isInteger(length) && length >= 0)) throw new ValueError(`Shapes: length must be a non-negative integer, got ${length}`);
    if (!(shapeSize[0] >= 3 && shapeSize[1] >= shapeSize[0] && shapeSize[1] <= size)) throw new ValueError(`Shapes: shapeSize must be [min ≥ 3, max ≥ min] within the ${size}-pixel canvas, got [${shapeSize.join(", ")}]`);
    if (!(objects[0] >= 1 && objects[1] >= objects[0])) throw new ValueError(`Shapes: objects must be [min ≥ 1, max ≥ min], got [${objects.join(", ")}]`);
    this.size = size;
    this.options = { length, objects, shapeSize, seed, transforms };
  }

  get length(): number {
    return this.options.length;
  }

  get(index: number): DetectionSample {
    this.checkIndex(index);
    const { objects: [lo, hi], shapeSize, seed, transforms } = this.options;
    const g = sceneGenerator(seed, index);
    const S = this.size;
    const pixels = background(g, S);
    const placed: number[][] = [];
    const drawn: DrawnObject[] = [];
    const count = lo + g.randomInt(hi - lo + 1);
    const kinds = Object.keys(SHAPES);
    for (let k = 0; k < count; k++) {
      const kind = g.randomInt(kinds.length);
      const s = shapeSize[0] + g.randomInt(shapeSize[1] - shapeSize[0] + 1);
      const colour = vivid(g);
      for (let attempt = 0; attempt < 20; attempt++) {
        const ox = g.randomInt(S - s + 1);
        const oy = g.randomInt(S - s + 1);
        if (placed.some((b) => overlaps(b, [ox, oy, ox + s, oy + s], 1))) continue;
        const inside = SHAPES[kinds[kind]!]!(ox, oy, s);
        const mask = new Uint8Array(S * S);
        for (let y = oy; y < oy + s; y++) {
          for (let x = ox; x < ox + s; x++) {
            if (!inside(x + 0.5, y + 0.5)) continue;
            mask[y * S + x] = 1;
            for (let c = 0; c < 3; c++) pixels[c * S * S + y * S + x] = colour[c]!;
          }
        }
        if (!mask.includes(1)) break;
        placed.push([ox, oy, ox + s, oy + s]);
        drawn.push({ label: kind + 1, mask });
        break;
      }
    }
    const image = tensor(pixels, { shape: [3, S, S] });
    const target = targetFromMasks(drawn, S, S);
    return transforms ? transforms(image, target) : [image, target];
  }
}

/** A muted base colour under two random stripes patterns and pixel noise, in [0, 0.6]. */
function background(g: Generator, S: number): Float32Array {
  const out = new Float32Array(3 * S * S);
  const base = [0, 1, 2].map(() => 0.1 + 0.3 * g.random());
  const waves = [0, 1].map(() => ({ fx: (g.random() - 0.5) * 0.5, fy: (g.random() - 0.5) * 0.5, phase: 2 * Math.PI * g.random(), amp: 0.05 + 0.1 * g.random() }));
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const texture = waves.reduce((t, w) => t + w.amp * Math.sin(w.fx * x + w.fy * y + w.phase), 0);
      for (let c = 0; c < 3; c++) out[c * S * S + y * S + x] = Math.min(Math.max(base[c]! + texture + 0.05 * (g.random() - 0.5), 0), 0.6);
    }
  }
  return out;
}

/** A bright, saturated colour: one channel high, the others spread, so shapes stand out from the muted background. */
function vivid(g: Generator): number[] {
  const colour = [0, 1, 2].map(() => g.random() * 0.6);
  colour[g.randomInt(3)] = 0.8 + 0.2 * g.random();
  return colour;
}
