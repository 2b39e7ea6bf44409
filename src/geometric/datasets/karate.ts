/**
 * Zachary's karate club (34 members, 78 friendships, stored both ways) with the four communities
 * Kipf & Welling's GCN paper uses, one-hot identity features and one labelled member per class —
 * PyG's `KarateClub`, embedded (it is tiny and public).
 */
import { tensor, eye } from "../../ops/creation.js";
import { Data } from "../data.js";
import { GraphDataset, type GraphTransform } from "./graph-dataset.js";

/** Each member's friends with a higher number (the friendships, listed once). */
const FRIENDS: readonly (readonly number[])[] = [
  [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 17, 19, 21, 31], [2, 3, 7, 13, 17, 19, 21, 30], [3, 7, 8, 9, 13, 27, 28, 32],
  [7, 12, 13], [6, 10], [6, 10, 16], [16], [], [30, 32, 33], [33], [], [], [], [33], [32, 33], [32, 33], [], [], [32, 33], [33],
  [32, 33], [], [32, 33], [25, 27, 29, 32, 33], [25, 27, 31], [31], [29, 33], [33], [31, 33], [32, 33], [32, 33], [32, 33], [33], [],
];

const COMMUNITY = [1, 1, 1, 1, 3, 3, 3, 1, 0, 1, 3, 1, 1, 1, 0, 0, 3, 1, 0, 1, 0, 1, 0, 0, 2, 2, 0, 0, 2, 0, 0, 2, 0, 0];

export class KarateClub extends GraphDataset {
  constructor(opts: { transform?: GraphTransform | null } = {}) {
    const pairs: [number, number][] = [];
    FRIENDS.forEach((fs, i) => fs.forEach((j) => pairs.push([i, j], [j, i])));
    // Sorted by source then target, as PyG stores them.
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const n = COMMUNITY.length;
    const firstOfClass = new Set([0, 1, 2, 3].map((c) => COMMUNITY.indexOf(c)));
    const data = new Data({
      x: eye(n),
      edgeIndex: tensor(Int32Array.from([...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])]), { dtype: "int32", shape: [2, pairs.length] }),
      y: tensor(Int32Array.from(COMMUNITY), { dtype: "int32" }),
      trainMask: tensor(COMMUNITY.map((_, i) => firstOfClass.has(i))),
    });
    super([data], opts.transform ?? null);
  }
}
