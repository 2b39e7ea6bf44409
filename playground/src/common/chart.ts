/** A line chart on a canvas: one or more series against the step, redrawn whole (they are short). */
export interface Series {
  label: string;
  color: string;
  points: [number, number][];
}

export function drawChart(canvas: HTMLCanvasElement, series: Series[], { yMin, yMax }: { yMin?: number; yMax?: number } = {}): void {
  const ctx = canvas.getContext("2d")!;
  const { width: w, height: h } = canvas;
  const pad = { l: 40, r: 8, t: 8, b: 20 };
  ctx.clearRect(0, 0, w, h);
  const all = series.flatMap((s) => s.points);
  ctx.font = "11px system-ui";
  ctx.fillStyle = "#5b6472";
  if (all.length === 0) return void ctx.fillText("not trained yet", pad.l, h / 2);
  const x0 = Math.min(...all.map((p) => p[0]));
  const x1 = Math.max(x0 + 1, ...all.map((p) => p[0]));
  const lo = yMin ?? Math.min(...all.map((p) => p[1]));
  const hi = Math.max(yMax ?? Math.max(...all.map((p) => p[1])), lo + 1e-6);
  const X = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
  const Y = (y: number) => h - pad.b - ((y - lo) / (hi - lo)) * (h - pad.t - pad.b);
  ctx.strokeStyle = "#d9dde4";
  ctx.strokeRect(pad.l, pad.t, w - pad.l - pad.r, h - pad.t - pad.b);
  ctx.fillText(hi.toPrecision(3), 2, pad.t + 8);
  ctx.fillText(lo.toPrecision(3), 2, h - pad.b);
  ctx.fillText(String(x1), w - pad.r - ctx.measureText(String(x1)).width, h - 5);
  series.forEach((s, i) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    s.points.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(X(x), Y(y)) : ctx.lineTo(X(x), Y(y))));
    ctx.stroke();
    ctx.fillStyle = s.color;
    ctx.fillText(s.label, pad.l + 6 + i * 90, pad.t + 12);
  });
}
