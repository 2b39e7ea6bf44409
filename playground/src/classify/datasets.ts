/** The 2-D toy problems, in [-1, 1]²: ConvNetJS' and TensorFlow Playground's classics. */
export interface Points {
  xy: number[]; // x0, y0, x1, y1, …
  labels: number[];
}

/** A seeded uniform generator (mulberry32), so a page reload draws the same data. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeDataset(kind: "spiral" | "circles" | "xor", n = 200, seed = 1): Points {
  const rand = random(seed);
  const noise = () => (rand() - 0.5) * 0.1;
  const points: Points = { xy: [], labels: [] };
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    let x: number;
    let y: number;
    if (kind === "spiral") {
      const r = (Math.floor(i / 2) / (n / 2)) * 0.9 + 0.05;
      const t = 1.75 * r * 2 * Math.PI + label * Math.PI;
      [x, y] = [r * Math.sin(t) + noise(), r * Math.cos(t) + noise()];
    } else if (kind === "circles") {
      const r = label === 0 ? rand() * 0.4 : 0.6 + rand() * 0.3;
      const t = rand() * 2 * Math.PI;
      [x, y] = [r * Math.sin(t), r * Math.cos(t)];
    } else {
      [x, y] = [rand() * 1.8 - 0.9, rand() * 1.8 - 0.9];
      if (Math.abs(x) < 0.05 || Math.abs(y) < 0.05) x += Math.sign(x || 1) * 0.1;
      points.xy.push(x, y);
      points.labels.push(x * y > 0 ? 0 : 1);
      continue;
    }
    points.xy.push(x, y);
    points.labels.push(label);
  }
  return points;
}
