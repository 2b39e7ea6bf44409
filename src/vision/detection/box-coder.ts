/**
 * The box encodings torchvision's detectors regress (models/detection/_utils.py): BoxCoder, Faster
 * R-CNN's centre offsets and log size ratios, weighted; BoxLinearCoder, FCOS's distances from an
 * anchor's centre to the four sides, in units of the anchor's size. Boxes are xyxy [..., 4].
 */
import type { Tensor } from "../../ops/tensor.js";
import { stack } from "../../ops/movement.js";

const sides = (b: Tensor): [Tensor, Tensor, Tensor, Tensor] => [0, 1, 2, 3].map((i) => b.select(-1, i)) as [Tensor, Tensor, Tensor, Tensor];

export class BoxCoder {
  constructor(
    readonly weights: readonly [number, number, number, number] = [1, 1, 1, 1],
    /** The largest log size ratio decode accepts, so exp cannot overflow. */
    readonly bboxXformClip = Math.log(1000 / 16),
  ) {}

  /** The codes [..., 4] that take each proposal (anchor) to its reference (ground-truth) box. */
  encode(referenceBoxes: Tensor, proposals: Tensor): Tensor {
    const [wx, wy, ww, wh] = this.weights;
    const [px1, py1, px2, py2] = sides(proposals);
    const [gx1, gy1, gx2, gy2] = sides(referenceBoxes);
    const [pw, ph] = [px2.sub(px1), py2.sub(py1)];
    const [gw, gh] = [gx2.sub(gx1), gy2.sub(gy1)];
    const [pcx, pcy] = [px1.add(pw.mul(0.5)), py1.add(ph.mul(0.5))];
    const [gcx, gcy] = [gx1.add(gw.mul(0.5)), gy1.add(gh.mul(0.5))];
    return stack([gcx.sub(pcx).div(pw).mul(wx), gcy.sub(pcy).div(ph).mul(wy), gw.div(pw).log().mul(ww), gh.div(ph).log().mul(wh)], -1);
  }

  /** The boxes [..., 4] that codes [..., 4] make of `boxes` (anchors). */
  decode(relCodes: Tensor, boxes: Tensor): Tensor {
    const [wx, wy, ww, wh] = this.weights;
    const [x1, y1, x2, y2] = sides(boxes.to(relCodes.dtype));
    const [w, h] = [x2.sub(x1), y2.sub(y1)];
    const [cx, cy] = [x1.add(w.mul(0.5)), y1.add(h.mul(0.5))];
    const [dx, dy, dw, dh] = sides(relCodes);
    const pcx = dx.div(wx).mul(w).add(cx);
    const pcy = dy.div(wy).mul(h).add(cy);
    const pw = dw.div(ww).clamp(null, this.bboxXformClip).exp().mul(w);
    const ph = dh.div(wh).clamp(null, this.bboxXformClip).exp().mul(h);
    return stack([pcx.sub(pw.mul(0.5)), pcy.sub(ph.mul(0.5)), pcx.add(pw.mul(0.5)), pcy.add(ph.mul(0.5))], -1);
  }
}

export class BoxLinearCoder {
  constructor(readonly normalizeBySize = true) {}

  /** (left, top, right, bottom) distances from each reference box's (anchor's) centre to the sides of its proposal (ground truth). */
  encode(referenceBoxes: Tensor, proposals: Tensor): Tensor {
    const [rx1, ry1, rx2, ry2] = sides(referenceBoxes);
    const [cx, cy] = [rx1.add(rx2).mul(0.5), ry1.add(ry2).mul(0.5)];
    const [x1, y1, x2, y2] = sides(proposals);
    const codes = stack([cx.sub(x1), cy.sub(y1), x2.sub(cx), y2.sub(cy)], -1);
    return this.normalizeBySize ? codes.div(stack([rx2.sub(rx1), ry2.sub(ry1), rx2.sub(rx1), ry2.sub(ry1)], -1)) : codes;
  }

  /** The boxes that distances relCodes [..., 4] make around each box's (anchor's) centre. */
  decode(relCodes: Tensor, boxes: Tensor): Tensor {
    const [x1, y1, x2, y2] = sides(boxes.to(relCodes.dtype));
    const [cx, cy] = [x1.add(x2).mul(0.5), y1.add(y2).mul(0.5)];
    let codes = relCodes;
    if (this.normalizeBySize) codes = codes.mul(stack([x2.sub(x1), y2.sub(y1), x2.sub(x1), y2.sub(y1)], -1));
    const [l, t, r, b] = sides(codes);
    return stack([cx.sub(l), cy.sub(t), cx.add(r), cy.add(b)], -1);
  }
}
