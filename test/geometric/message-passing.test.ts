/** MessagePassing as users subclass it: the _i/_j convention, flows, bipartite pairs, aggregations. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, flat } from "../helpers.js";

const { geometric: G } = tg;
const edges = (pairs: [number, number][]) => tg.tensor(Int32Array.from([...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])]), { dtype: "int32", shape: [2, pairs.length] });

/** EdgeConv-style: message (x_i, x_j − x_i), max-aggregated — reads both lifted ends. */
class EdgeDiff extends G.nn.MessagePassing<[tg.Tensor, tg.Tensor]> {
  constructor(aggr: tg.geometric.nn.Aggregation = "max", flow: tg.geometric.nn.Flow = "source_to_target") {
    super({ aggr, flow });
  }
  forward(x: tg.Tensor, edgeIndex: tg.Tensor): tg.Tensor {
    return this.propagate(edgeIndex, { x });
  }
  override message({ x_i, x_j }: tg.geometric.nn.MessageArgs<{ x: tg.Tensor }>): tg.Tensor {
    return x_j.sub(x_i);
  }
}

describe("geometric.nn.MessagePassing", () => {
  const x = tg.tensor([[1], [4], [10]]);
  const e = edges([[0, 2], [1, 2], [2, 0]]);

  test("x_i is the receiving node, x_j the sender; messages aggregate at the receiver", () => {
    assertClose(new EdgeDiff("max").forward(x, e), [9, 0, -6]); // node 2: max(1−10, 4−10); node 0: 10−1
    assertClose(new EdgeDiff("sum").forward(x, e), [9, 0, -15]);
    assertClose(new EdgeDiff("mean").forward(x, e), [9, 0, -7.5]);
    assertClose(new EdgeDiff("sum", "target_to_source").forward(x, e), [9, 6, -9]);
  });

  test("gradients flow through the lifted ends", () => {
    const xs = tg.tensor([[1], [4], [10]], { dtype: "float64" }).requiresGrad_();
    tg.testing.gradcheck((t) => new EdgeDiff("sum").forward(t, e), [xs]);
  });

  test("the default message is x_j; a pair [source, target] makes a bipartite graph", () => {
    class Copy extends G.nn.MessagePassing<[tg.Tensor | [tg.Tensor, tg.Tensor], tg.Tensor]> {
      forward(xx: tg.Tensor | [tg.Tensor, tg.Tensor], ei: tg.Tensor) {
        return this.propagate(ei, { x: xx });
      }
    }
    const src = tg.tensor([[1], [2]]);
    const dst = tg.zeros([4, 1]);
    const out = new Copy().forward([src, dst], edges([[0, 3], [1, 3], [1, 0]]));
    assert.deepEqual(out.shape, [4, 1]); // sized by the receiving set, isolated receivers get 0
    assertClose(out, [2, 0, 0, 3]);
  });

  test("reading an argument's end that does not exist is a clear error; sizes must agree", () => {
    class Bad extends G.nn.MessagePassing<[tg.Tensor, tg.Tensor]> {
      forward(xx: tg.Tensor, ei: tg.Tensor) {
        return this.propagate(ei, { x: xx, scale: 2 });
      }
      override message(args: tg.geometric.nn.MessageArgs<{ x: tg.Tensor; scale: number }>) {
        return args.scale_j;
      }
    }
    assert.throws(() => new Bad().forward(x, e), /scale_j was read but scale has no tensor/);
    assert.throws(() => new EdgeDiff().propagate(e, { x }, [3, 5]), (err: Error) => err instanceof tg.ShapeError && /x has 3 nodes/.test(err.message));
    assert.throws(() => new EdgeDiff("median" as "sum"), tg.ValueError);
  });

  test("edgeUpdater computes per-edge values (GAT's attention) with the same lifting", () => {
    class Score extends G.nn.MessagePassing<[tg.Tensor, tg.Tensor]> {
      forward(xx: tg.Tensor, ei: tg.Tensor) {
        return this.edgeUpdater(ei, { x: xx });
      }
      override edgeUpdate({ x_i, x_j, index, dimSize }: tg.geometric.nn.MessageArgs<{ x: tg.Tensor }>) {
        return G.softmax(x_i.mul(x_j).sum(-1), index, { numNodes: dimSize });
      }
    }
    const s = new Score().forward(x, e);
    // Into node 2: scores 10·1 and 10·4; node 0 has one incoming edge.
    assertClose(s, [Math.exp(-30) / (1 + Math.exp(-30)), 1 / (1 + Math.exp(-30)), 1], { atol: 1e-6 });
    assert.deepEqual(flat(s).length, 3);
  });
});
