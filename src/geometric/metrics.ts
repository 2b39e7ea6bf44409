/** The scores PyG's link-prediction and embedding tests report (scikit-learn's definitions). */
import { ValueError } from "../base/errors.js";

/** Area under the ROC curve: the chance a random positive outscores a random negative (ties count half). */
export function rocAucScore(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = checkPair(labels, scores, "rocAucScore");
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const meanRank = (i + j) / 2 + 1; // tied scores share their average rank
    for (let k = i; k <= j; k++) if (labels[order[k]!]) {
      positives++;
      rankSum += meanRank;
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) throw new ValueError("rocAucScore: needs both positive and negative labels");
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Average precision: Σ (Rₙ − Rₙ₋₁)·Pₙ over the distinct score thresholds, highest first. */
export function averagePrecisionScore(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = checkPair(labels, scores, "averagePrecisionScore");
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const total = Array.from(labels).filter(Boolean).length;
  if (total === 0) throw new ValueError("averagePrecisionScore: needs at least one positive label");
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    for (let k = i; k <= j; k++) if (labels[order[k]!]) tp++;
    seen = j + 1;
    const recall = tp / total;
    ap += (recall - lastRecall) * (tp / seen);
    lastRecall = recall;
    i = j + 1;
  }
  return ap;
}

function checkPair(labels: ArrayLike<number>, scores: ArrayLike<number>, op: string): number {
  if (labels.length !== scores.length) throw new ValueError(`${op}: ${labels.length} labels but ${scores.length} scores`);
  for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i])) throw new ValueError(`${op}: score ${i} is NaN`);
  return labels.length;
}
