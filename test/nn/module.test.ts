/** The Module contract: names, traversal, modes, state dicts, printing; init statistics; layer errors. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { SeedConvNet } from "./seed-convnet.js";
import { assertClose } from "../helpers.js";

const { nn } = tg;

class Block extends nn.Module<[tg.Tensor], tg.Tensor> {
  features = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.ReLU());
  head = new nn.Linear(2, 3);
  scale = new nn.Parameter(tg.ones([1]));
  constructor() {
    super();
    this.registerBuffer("steps", tg.zeros([1]));
    this.registerBuffer("cache", tg.zeros([2]), false);
  }
  forward(x: tg.Tensor) {
    return this.head.forward(this.features.forward(x).mean([2, 3])).mul(this.scale);
  }
}

describe("nn.Module", () => {
  test("parameters and buffers are named as PyTorch names them", () => {
    const m = new Block();
    // As in PyTorch: the module's own parameters first, then each child's in registration order.
    assert.deepEqual([...m.namedParameters()].map(([n]) => n), [
      "scale", "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "head.weight", "head.bias",
    ]);
    assert.deepEqual(Object.keys(m.stateDict()), [
      "scale", "steps", "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
      "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked", "head.weight", "head.bias",
    ]);
    assert.deepEqual([...m.namedBuffers()].map(([n]) => n), [
      "steps", "cache", "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
    ]);
    assert.deepEqual([...m.namedChildren()].map(([n]) => n), ["features", "head"]);
    assert.deepEqual([...m.namedModules()].map(([n]) => n), ["", "features", "features.0", "features.1", "features.2", "head"]);
    assert.equal(m.parameters().length, 7);
  });

  test("the seed ConvNet's state dict keys equal PyTorch's", () => {
    assert.deepEqual(Object.keys(new SeedConvNet().stateDict()), [
      "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias",
    ]);
  });

  test("shared parameters are listed once", () => {
    class Tied extends nn.Module<[tg.Tensor], tg.Tensor> {
      a = new nn.Linear(2, 2);
      b = new nn.Linear(2, 2);
      constructor() {
        super();
        this.b = this.a;
      }
      forward(x: tg.Tensor) {
        return this.b.forward(this.a.forward(x));
      }
    }
    assert.equal(new Tied().parameters().length, 2);
  });

  test("train/eval reach every submodule; zeroGrad and apply", () => {
    const m = new Block();
    m.eval();
    assert.ok([...m.modules()].every((x) => !x.training));
    m.train();
    assert.ok([...m.modules()].every((x) => x.training));
    m.forward(tg.randn([2, 1, 5, 5])).sum().backward();
    assert.ok(m.parameters().every((p) => p.grad !== null));
    m.zeroGrad(false);
    assert.ok(m.parameters().every((p) => p.grad!.abs().sum().item() === 0));
    m.zeroGrad();
    assert.ok(m.parameters().every((p) => p.grad === null));
    const names: string[] = [];
    m.apply((x) => names.push(x.constructor.name));
    assert.deepEqual(names, ["Conv2d", "BatchNorm2d", "ReLU", "Sequential", "Linear", "Block"]);
  });

  test("loadStateDict copies in place, and names what is missing, unexpected or mis-shaped", () => {
    const a = new Block();
    const b = new Block();
    b.loadStateDict(a.stateDict());
    assert.deepEqual(b.head.weight.tolist(), a.head.weight.tolist());
    const sd = a.stateDict();
    delete sd["head.bias"];
    sd["extra.weight"] = tg.zeros([1]);
    assert.throws(() => b.loadStateDict(sd), /missing keys: head\.bias; unexpected keys: extra\.weight/);
    const result = b.loadStateDict(sd, { strict: false });
    assert.deepEqual(result, { missingKeys: ["head.bias"], unexpectedKeys: ["extra.weight"] });
    assert.throws(() => b.loadStateDict({ ...a.stateDict(), "head.weight": tg.zeros([3, 3]) }), /size mismatch for head\.weight: checkpoint \[3, 3\], model \[3, 2\]/);
  });

  test("toString prints the module tree like PyTorch", () => {
    const s = new nn.Sequential(new nn.Linear(4, 2), new nn.ReLU(), new nn.Dropout(0.1));
    assert.equal(
      String(s),
      "Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=True)\n  (1): ReLU()\n  (2): Dropout(p=0.1, inplace=False)\n)",
    );
    assert.equal(String(new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1, bias: false })), "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)");
    assert.equal(String(new nn.BatchNorm2d(4)), "BatchNorm2d(4, eps=0.00001, momentum=0.1, affine=True, track_running_stats=True)");
  });

  test("Sequential from one object names its children by key, as PyTorch's Sequential(OrderedDict)", () => {
    const s = new nn.Sequential({ fc: new nn.Linear(3, 2), act: new nn.ReLU() });
    assert.deepEqual(Object.keys(s.stateDict()), ["fc.weight", "fc.bias"]);
    assert.equal(s.length, 2);
    assert.deepEqual(s.forward(tg.ones([1, 3])).shape, [1, 2]);
  });

  test("ModuleList and ModuleDict register their items", () => {
    class Stack extends nn.Module<[tg.Tensor], tg.Tensor> {
      layers = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
      heads = new nn.ModuleDict({ cls: new nn.Linear(2, 3) });
      forward(x: tg.Tensor) {
        for (const l of this.layers) x = l.forward(x);
        return this.heads.get("cls")!.forward(x);
      }
    }
    const m = new Stack();
    assert.deepEqual(Object.keys(m.stateDict()), ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "heads.cls.weight", "heads.cls.bias"]);
    assert.deepEqual(m.forward(tg.ones([1, 2])).shape, [1, 3]);
  });

  test("dropout is active in training and the identity in eval", () => {
    const d = new nn.Dropout(0.5);
    const x = tg.ones([1000]);
    const y = d.forward(x);
    const zeros = y.eq(0).sum().item();
    assert.ok(zeros > 400 && zeros < 600);
    assert.ok(y.max().item() === 2);
    assert.equal(d.eval().forward(x), x);
  });

  test("BatchNorm counts batches and uses running statistics in eval", () => {
    const bn = new nn.BatchNorm1d(2);
    bn.forward(tg.tensor([[1, 2], [3, 6]]));
    assert.equal(bn.getBuffer("num_batches_tracked")!.item(), 1);
    assertClose(bn.getBuffer("running_mean")!, [0.2, 0.4]);
    bn.eval();
    const y = bn.forward(tg.tensor([[0.2, 0.4]]));
    assert.ok(Math.abs(y.abs().sum().item()) < 1e-6);
  });

  test("Embedding.fromPretrained freezes by default", () => {
    const e = nn.Embedding.fromPretrained(tg.tensor([[1, 2], [3, 4]]));
    assert.equal(e.weight.requiresGrad, false);
    assert.deepEqual(e.forward(tg.tensor([1, 0], { dtype: "int32" })).tolist(), [[3, 4], [1, 2]]);
    assert.equal(nn.Embedding.fromPretrained(tg.ones([2, 2]), { freeze: false }).weight.requiresGrad, true);
  });
});


describe("nn.init", () => {
  test("gains and fans", () => {
    assert.equal(nn.init.calculateGain("relu"), Math.SQRT2);
    assert.equal(nn.init.calculateGain("tanh"), 5 / 3);
    assert.ok(Math.abs(nn.init.calculateGain("leaky_relu", 0.2) - Math.sqrt(2 / 1.04)) < 1e-12);
    assert.deepEqual(nn.init.computeFans(tg.zeros([8, 4, 3, 3])), { fanIn: 36, fanOut: 72 });
  });

  test("distributions have the documented bounds and spreads", () => {
    tg.manualSeed(0);
    const w = tg.zeros([256, 512]);
    nn.init.kaimingUniform_(w, { nonlinearity: "relu" });
    const bound = Math.sqrt(6 / 512);
    assert.ok(w.abs().max().item() <= bound + 1e-6);
    assert.ok(Math.abs(w.std().item() - bound / Math.sqrt(3)) < 0.002);
    nn.init.xavierNormal_(w);
    assert.ok(Math.abs(w.std().item() - Math.sqrt(2 / 768)) < 0.002);
    nn.init.kaimingNormal_(w, { mode: "fan_out" });
    assert.ok(Math.abs(w.std().item() - Math.sqrt(2 / 256)) < 0.003);
    nn.init.constant_(w, 0.5);
    assert.equal(w.mean().item(), 0.5);
    nn.init.xavierUniform_(w, 2);
    assert.ok(w.abs().max().item() <= 2 * Math.sqrt(6 / 768) + 1e-6);
  });

  test("truncNormal_ stays within its absolute bounds with the normal's spread inside them", () => {
    const w = tg.zeros([20000]);
    nn.init.truncNormal_(w, 0.5, 1, -0.5, 1.5);
    assert.ok(w.min().item() >= -0.5 && w.max().item() <= 1.5);
    assert.ok(Math.abs(w.mean().item() - 0.5) < 0.02); // symmetric bounds around the mean
    nn.init.truncNormal_(w, 0, 0.02); // bounds ±2 are 100 std away: a plain normal
    assert.ok(Math.abs(w.std().item() - 0.02) < 0.001);
    assert.throws(() => nn.init.truncNormal_(w, 0, 1, 2, 1), /needs a < b/);
    assert.throws(() => nn.init.truncNormal_(w, 0, 1, 20, 30), /out of reach/);
  });

  test("orthogonal rows (or columns) are orthonormal, scaled by gain", () => {
    for (const shape of [[3, 5], [5, 3], [4, 2, 2]]) {
      const w = tg.zeros(shape);
      nn.init.orthogonal_(w, 2);
      const m = w.reshape(shape[0]!, -1);
      const gram = m.shape[0]! <= m.shape[1]! ? m.matmul(m.t()) : m.t().matmul(m);
      const eye = tg.eye(gram.shape[0]!).mul(4);
      assert.ok(gram.sub(eye).abs().max().item() < 1e-5, `shape ${shape}`);
    }
  });

  test("layers initialise as PyTorch does (bounds from fan in)", () => {
    const lin = new nn.Linear(100, 50);
    assert.ok(lin.weight.abs().max().item() <= 0.1 + 1e-6);
    assert.ok(lin.bias!.abs().max().item() <= 0.1 + 1e-6);
    const conv = new nn.Conv2d(4, 8, 3);
    assert.ok(conv.weight.abs().max().item() <= 1 / 6 + 1e-6);
    const emb = new nn.Embedding(50, 8, { paddingIdx: 3 });
    assert.equal(emb.weight.select(0, 3).abs().sum().item(), 0);
  });
});

describe("layer errors name the layer and the expected shape", () => {
  test("Linear", () => {
    assert.throws(() => new nn.Linear(400, 120).forward(tg.zeros([64, 256])), /Linear\(400 → 120\) got input of shape \[64, 256\]/);
  });
  test("Conv2d, BatchNorm, LayerNorm, GroupNorm", () => {
    assert.throws(() => new nn.Conv2d(3, 6, 3).forward(tg.zeros([2, 1, 8, 8])), /Conv2d\(3 → 6\) expected input \[N, 3, H, W\], got shape \[2, 1, 8, 8\]/);
    assert.throws(() => new nn.Conv2d(1, 6, 5).forward(tg.zeros([1, 1, 3, 3])), /smaller than the dilated kernel/);
    assert.throws(() => new nn.BatchNorm2d(3).forward(tg.zeros([2, 4, 2, 2])), /BatchNorm2d\(3\) expected a 4-D input with 3 channels/);
    assert.throws(() => new nn.BatchNorm1d(3).forward(tg.zeros([1, 3])), /more than 1 value per channel/);
    assert.throws(() => new nn.LayerNorm(4).forward(tg.zeros([2, 5])), /normalizedShape \[4\] does not match/);
    assert.throws(() => new nn.GroupNorm(4, 6), /6 channels are not divisible into 4 groups/);
  });
  test("losses and embeddings", () => {
    const F = nn.functional;
    assert.throws(() => F.crossEntropy(tg.zeros([3, 4]), tg.tensor([0, 1], { dtype: "int32" })), /target of shape \[2\] does not match input of shape \[3, 4\]/);
    assert.throws(() => F.crossEntropy(tg.zeros([2, 4]), tg.tensor([0, 4], { dtype: "int32" })), /target 4 is out of bounds for 4 classes/);
    assert.throws(() => F.mseLoss(tg.zeros([3]), tg.zeros([4])), /mseLoss: target of shape \[4\] must have the input's shape \[3\]/);
    assert.throws(() => new nn.Embedding(5, 2).forward(tg.tensor([5], { dtype: "int32" })), /index 5 is out of bounds for dimension 0 with size 5/);
    assert.throws(() => new nn.Embedding(5, 2).forward(tg.tensor([1])), tg.DTypeError);
  });
});

test("a layer's own parameters looked up by name (ownParameter) follow registration and field assignment, as namedParameters does", () => {
  class Weighted extends nn.Module<[tg.Tensor], tg.Tensor> {
    constructor() {
      super();
      this.registerParameter("w", new nn.Parameter(tg.ones([2])));
    }
    forward(x: tg.Tensor) {
      return x.mul(this.ownParameter("w")!);
    }
    lookup(name: string) {
      return this.ownParameter(name);
    }
  }
  const m = new Weighted();
  assert.equal(m.lookup("w"), [...m.namedParameters()][0]![1]);
  assert.equal(m.lookup("missing"), null);
  const replaced = new nn.Parameter(tg.full([2], 3));
  (m as unknown as { w: tg.Tensor }).w = replaced; // PyTorch's `m.w = Parameter(…)`
  assert.equal(m.lookup("w"), replaced);
  assert.deepEqual(m.forward(tg.ones([2])).tolist(), [3, 3]);
  assert.deepEqual([...m.namedParameters()].map(([n, p]) => [n, p === replaced]), [["w", true]]);
  // An LSTM's weights, replaced the same way, are the ones its forward uses.
  const lstm = new nn.LSTM(2, 3);
  const zeroW = new nn.Parameter(tg.zeros([12, 3]));
  (lstm as unknown as Record<string, tg.Tensor>).weight_hh_l0 = zeroW;
  const [out] = lstm.forward(tg.ones([4, 1, 2]));
  (out as tg.Tensor).sum().backward();
  assert.ok(zeroW.grad !== null, "the replaced weight_hh_l0 gets the gradient");
});
