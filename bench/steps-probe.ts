import * as tg from "tensorgrad";
const { nn } = tg;
class ConvNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 3); conv2 = new nn.Conv2d(6, 16, 3); pool = new nn.MaxPool2d(2, { stride: 2 });
  fc1 = new nn.Linear(16 * 5 * 5, 120); fc2 = new nn.Linear(120, 84); fc3 = new nn.Linear(84, 10);
  forward(x: tg.Tensor) {
    x = this.pool.forward(tg.relu(this.conv1.forward(x)));
    x = this.pool.forward(tg.relu(this.conv2.forward(x)));
    x = x.flatten(1);
    return this.fc3.forward(tg.relu(this.fc2.forward(tg.relu(this.fc1.forward(x)))));
  }
}
for (const be of (process.env.BACKENDS ?? "wasm,js").split(",")) {
  tg.setBackend(be);
  for (const kind of (process.env.KINDS ?? "mlp,cnn").split(",")) {
    tg.manualSeed(0);
    const model = kind === "mlp" ? new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10)) : new ConvNet();
    const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = tg.randn([64, 1, 28, 28]);
    const y = tg.randint(0, 10, [64]);
    const step = () => tg.scope(() => { opt.zeroGrad(); const loss = tg.nn.functional.crossEntropy(model.forward(x), y); loss.backward(); opt.step(); return loss.item(); });
    for (let i = 0; i < 5; i++) step();
    const ts: number[] = [];
    for (let i = 0; i < 20; i++) { const t = performance.now(); step(); ts.push(performance.now() - t); }
    ts.sort((a, b) => a - b);
    console.log(be, kind, "median ms/step", ts[10]!.toFixed(2));
  }
}
