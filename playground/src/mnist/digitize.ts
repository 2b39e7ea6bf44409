/**
 * A digit drawn on a large canvas as the network expects it, the way MNIST's images were made:
 * the ink's bounding box scaled so that its longer side is 20 pixels, then placed in a 28×28 image
 * with its centre of mass at the centre. Returns 784 values in [0, 1], or null if nothing is drawn.
 */
export function digitize(pad: HTMLCanvasElement): Float32Array | null {
  const { width, height } = pad;
  const ink = pad.getContext("2d")!.getImageData(0, 0, width, height).data;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[4 * (y * width + x)]! > 20) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  if (x1 < 0) return null;
  const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
  const s = 20 / Math.max(w, h);
  const small = new OffscreenCanvas(28, 28);
  const ctx = small.getContext("2d", { willReadFrequently: true })!;
  const draw = (dx: number, dy: number) => {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, 28, 28);
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(pad, x0, y0, w, h, dx, dy, w * s, h * s);
    const data = ctx.getImageData(0, 0, 28, 28).data;
    return Float32Array.from({ length: 784 }, (_, i) => data[4 * i]! / 255);
  };
  const first = draw(14 - (w * s) / 2, 14 - (h * s) / 2);
  let [mass, cx, cy] = [0, 0, 0];
  first.forEach((v, i) => {
    mass += v;
    cx += v * (i % 28);
    cy += v * Math.floor(i / 28);
  });
  return draw(14 - (w * s) / 2 + Math.round(13.5 - cx / mass), 14 - (h * s) / 2 + Math.round(13.5 - cy / mass));
}

/** Lets the user draw white strokes on a black canvas with a mouse, pen or finger. */
export function drawingPad(pad: HTMLCanvasElement, onStroke: () => void): { clear(): void } {
  const ctx = pad.getContext("2d", { willReadFrequently: true })!;
  const clear = () => {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, pad.width, pad.height);
  };
  clear();
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * pad.width, ((e.clientY - r.top) / r.height) * pad.height];
  };
  pad.onpointerdown = (e) => {
    pad.setPointerCapture(e.pointerId);
    last = at(e);
  };
  pad.onpointermove = (e) => {
    if (!last) return;
    const next = at(e);
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = pad.width / 14;
    ctx.lineCap = "round";
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...next);
    ctx.stroke();
    last = next;
  };
  pad.onpointerup = pad.onpointercancel = () => {
    if (last) onStroke();
    last = null;
  };
  return { clear };
}
