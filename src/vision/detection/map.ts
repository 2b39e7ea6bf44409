/**
 * COCO's detection metric, computed as pycocotools' COCOeval (bbox) does and torchmetrics'
 * MeanAveragePrecision reports it: per class and IoU threshold, detections are matched greedily by
 * decreasing score to the unmatched ground truth of highest IoU; precision is made monotone and
 * read at 101 recall points; averages skip classes with no ground truth. Areas are box areas;
 * "small" is under 32², "large" over 96², as COCO.
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";

export interface MapOptions {
  /** Default COCO's 0.50, 0.55, …, 0.95. */
  iouThresholds?: readonly number[];
  /** Default [1, 10, 100]; the last also caps the detections per image and class. */
  maxDetectionThresholds?: readonly number[];
  /** Also report AP and AR per class (default false). */
  classMetrics?: boolean;
}

export interface MeanAveragePrecision {
  /** AP averaged over the IoU thresholds (mAP@[.5:.95]) and the classes. */
  map: number;
  map50: number;
  map75: number;
  mapSmall: number;
  mapMedium: number;
  mapLarge: number;
  /** Average recall with at most 1, 10, 100 detections per image (the thresholds given). */
  mar1: number;
  mar10: number;
  mar100: number;
  marSmall: number;
  marMedium: number;
  marLarge: number;
  /** With classMetrics: the classes present (sorted) and their AP@[.5:.95] and AR@100; −1 where a class has no ground truth. */
  classes?: number[];
  mapPerClass?: number[];
  marPerClass?: number[];
}

interface Boxes {
  boxes: Tensor;
  labels: Tensor;
}
interface Scored extends Boxes {
  scores: Tensor;
}

const AREAS: [number, number][] = [
  [0, 1e10],
  [0, 32 ** 2],
  [32 ** 2, 96 ** 2],
  [96 ** 2, 1e10],
];
const RECALL_POINTS = Array.from({ length: 101 }, (_, i) => i / 100);
const EPS = 2.220446049250313e-16; // np.spacing(1)

/** One image's boxes of one class: xyxy as float64 quadruples, with areas and scores. */
interface Group {
  boxes: number[][];
  areas: number[];
  scores: number[];
}

/** What COCOeval.evaluateImg keeps for one image, class and area range. */
interface ImageEval {
  /** Per IoU threshold, per detection (by score, capped): matched, ignored. */
  matched: Uint8Array[];
  ignored: Uint8Array[];
  scores: number[];
  gtIgnored: Uint8Array;
}

function iou(d: number[], g: number[]): number {
  const w = Math.min(d[2]!, g[2]!) - Math.max(d[0]!, g[0]!);
  const h = Math.min(d[3]!, g[3]!) - Math.max(d[1]!, g[1]!);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((d[2]! - d[0]!) * (d[3]! - d[1]!) + (g[2]! - g[0]!) * (g[3]! - g[1]!) - inter);
}

function evaluateImage(dt: Group, gt: Group, area: [number, number], maxDet: number, thresholds: readonly number[]): ImageEval | null {
  if (dt.boxes.length === 0 && gt.boxes.length === 0) return null;
  const gIgnoreRaw = gt.areas.map((a) => (a < area[0] || a > area[1] ? 1 : 0));
  // Ground truth not ignored first (a stable sort, as numpy's mergesort).
  const gOrder = gIgnoreRaw.map((_, i) => i).sort((i, j) => gIgnoreRaw[i]! - gIgnoreRaw[j]! || i - j);
  const gIgnore = Uint8Array.from(gOrder, (i) => gIgnoreRaw[i]!);
  const dOrder = dt.scores.map((_, i) => i).sort((i, j) => dt.scores[j]! - dt.scores[i]! || i - j).slice(0, maxDet);
  const ious = dOrder.map((d) => gOrder.map((g) => iou(dt.boxes[d]!, gt.boxes[g]!)));
  const matched = thresholds.map(() => new Uint8Array(dOrder.length));
  const ignored = thresholds.map(() => new Uint8Array(dOrder.length));
  thresholds.forEach((t, ti) => {
    const gtTaken = new Uint8Array(gOrder.length);
    dOrder.forEach((_, di) => {
      let best = Math.min(t, 1 - 1e-10);
      let m = -1;
      for (let gi = 0; gi < gOrder.length; gi++) {
        if (gtTaken[gi]) continue;
        // Once matched to a counted box, stop before the ignored ones.
        if (m > -1 && gIgnore[m] === 0 && gIgnore[gi] === 1) break;
        if (ious[di]![gi]! < best) continue;
        best = ious[di]![gi]!;
        m = gi;
      }
      if (m === -1) return;
      ignored[ti]![di] = gIgnore[m]!;
      matched[ti]![di] = 1;
      gtTaken[m] = 1;
    });
    // Unmatched detections outside the area range are ignored too.
    dOrder.forEach((d, di) => {
      const a = dt.areas[d]!;
      if (!matched[ti]![di] && (a < area[0] || a > area[1])) ignored[ti]![di] = 1;
    });
  });
  return { matched, ignored, scores: dOrder.map((d) => dt.scores[d]!), gtIgnored: gIgnore };
}

/** COCOeval.accumulate for one class, area range and detection cap: precision at the recall points and the final recall, per threshold. */
function accumulate(evals: readonly ImageEval[], maxDet: number, T: number): { precision: number[][]; recall: number[] } | null {
  const gtCounted = evals.reduce((n, e) => n + e.gtIgnored.filter((g) => g === 0).length, 0);
  if (gtCounted === 0) return null;
  const items: { score: number; e: ImageEval; i: number }[] = [];
  for (const e of evals) for (let i = 0; i < Math.min(maxDet, e.scores.length); i++) items.push({ score: e.scores[i]!, e, i });
  // numpy's argsort(-scores, kind="mergesort"): stable, by decreasing score.
  const order = items.map((_, k) => k).sort((a, b) => items[b]!.score - items[a]!.score || a - b);
  const precision: number[][] = [];
  const recall: number[] = [];
  for (let t = 0; t < T; t++) {
    let tp = 0;
    let fp = 0;
    const rc: number[] = [];
    const pr: number[] = [];
    for (const k of order) {
      const { e, i } = items[k]!;
      if (e.ignored[t]![i]) {
        // Ignored detections add to neither count; numpy's cumsum still keeps their place.
      } else if (e.matched[t]![i]) tp++;
      else fp++;
      rc.push(tp / gtCounted);
      pr.push(tp / (fp + tp + EPS));
    }
    recall.push(rc.length ? rc[rc.length - 1]! : 0);
    for (let i = pr.length - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
    const q = new Array<number>(RECALL_POINTS.length).fill(0);
    for (let r = 0; r < RECALL_POINTS.length; r++) {
      // np.searchsorted(rc, point, side="left"): the first index with rc ≥ point.
      let lo = 0;
      let hi = rc.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (rc[mid]! < RECALL_POINTS[r]!) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= pr.length) break;
      q[r] = pr[lo]!;
    }
    precision.push(q);
  }
  return { precision, recall };
}

const mean = (xs: readonly number[]) => {
  const ok = xs.filter((x) => x > -1);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : -1;
};

/**
 * predictions[i] ({boxes, scores, labels}) against targets[i] ({boxes, labels}) for each image,
 * boxes xyxy in pixels. Values are −1 where nothing can be measured (no ground truth in range), as
 * COCOeval's.
 */
export function meanAveragePrecision(predictions: readonly Scored[], targets: readonly Boxes[], options: MapOptions = {}): MeanAveragePrecision {
  const thresholds = options.iouThresholds ?? Array.from({ length: 10 }, (_, i) => Math.round((0.5 + 0.05 * i) * 100) / 100);
  const maxDets = options.maxDetectionThresholds ?? [1, 10, 100];
  if (predictions.length !== targets.length) throw new ValueError(`meanAveragePrecision: ${predictions.length} predictions but ${targets.length} targets (one each per image)`);
  if (thresholds.some((t) => !(t >= 0 && t <= 1))) throw new ValueError(`meanAveragePrecision: IoU thresholds must be in [0, 1], got [${thresholds.join(", ")}]`);
  const read = (b: Boxes, scored: boolean, where: string) => {
    const boxes = b.boxes.contiguous().dataSync();
    const labels = b.labels.dataSync();
    const scores = scored ? (b as Scored).scores.dataSync() : null;
    if (boxes.length !== labels.length * 4 || (scores && scores.length !== labels.length)) {
      throw new ValueError(`meanAveragePrecision: ${where} has ${boxes.length / 4} boxes, ${labels.length} labels${scores ? ` and ${scores.length} scores` : ""}; they must agree`);
    }
    const groups = new Map<number, Group>();
    for (let k = 0; k < labels.length; k++) {
      const box = [boxes[4 * k]!, boxes[4 * k + 1]!, boxes[4 * k + 2]!, boxes[4 * k + 3]!];
      let g = groups.get(labels[k]!);
      if (!g) groups.set(labels[k]!, (g = { boxes: [], areas: [], scores: [] }));
      g.boxes.push(box);
      g.areas.push((box[2]! - box[0]!) * (box[3]! - box[1]!));
      g.scores.push(scores ? scores[k]! : 0);
    }
    return groups;
  };
  const dts = predictions.map((p, i) => read(p, true, `prediction ${i}`));
  const gts = targets.map((t, i) => read(t, false, `target ${i}`));
  const classes = [...new Set([...dts, ...gts].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const empty: Group = { boxes: [], areas: [], scores: [] };
  const T = thresholds.length;
  const cap = maxDets[maxDets.length - 1]!;
  // results[area][maxDet index][class]: precision [T][101] and recall [T], or null.
  const results = AREAS.map((area) => {
    const perClass = classes.map((c) => gts.map((g, i) => evaluateImage(dts[i]!.get(c) ?? empty, g.get(c) ?? empty, area, cap, thresholds)).filter((e): e is ImageEval => e !== null));
    return maxDets.map((m) => perClass.map((evals) => accumulate(evals, m, T)));
  });
  const last = maxDets.length - 1;
  const ap = (a: number, m: number, t?: number) => mean(results[a]![m]!.flatMap((r) => (r ? r.precision.filter((_, ti) => t === undefined || ti === t).flat() : [])));
  const ar = (a: number, m: number) => mean(results[a]![m]!.flatMap((r) => (r ? r.recall : [])));
  const at = (v: number) => thresholds.findIndex((t) => Math.abs(t - v) < 1e-9);
  const out: MeanAveragePrecision = {
    map: ap(0, last),
    map50: at(0.5) < 0 ? -1 : ap(0, last, at(0.5)),
    map75: at(0.75) < 0 ? -1 : ap(0, last, at(0.75)),
    mapSmall: ap(1, last),
    mapMedium: ap(2, last),
    mapLarge: ap(3, last),
    mar1: ar(0, 0),
    mar10: ar(0, Math.min(1, last)),
    mar100: ar(0, last),
    marSmall: ar(1, last),
    marMedium: ar(2, last),
    marLarge: ar(3, last),
  };
  if (options.classMetrics) {
    out.classes = classes;
    out.mapPerClass = results[0]![last]!.map((r) => (r ? mean(r.precision.flat()) : -1));
    out.marPerClass = results[0]![last]!.map((r) => (r ? mean(r.recall) : -1));
  }
  return out;
}
