import * as tg from "../src/index.js";
await tg.device("webgpu");
const b = tg.backendByName("webgpu") as unknown as Record<string, unknown>;
const [fwd, bwd] = [b.lstmSequence, b.lstmSequenceBackward];
const set = (on: boolean) => { b.lstmSequence = on ? fwd : undefined; b.lstmSequenceBackward = on ? bwd : undefined; };
tg.manualSeed(0);
const lstm = new tg.nn.LSTM(16, 32); lstm.to("webgpu");
const x = tg.randn([50, 16, 16], { device: "webgpu" });
const res: Record<string, number[]> = { seq: [], cells: [] };
for (let r = 0; r < 7; r++) for (const k of ["seq", "cells"] as const) {
  set(k === "seq");
  const t0 = performance.now();
  const l = tg.scope(() => { const [y] = lstm.forward(x); const loss = (y as tg.Tensor).square().mean(); loss.backward(); return loss.detach(); });
  await l.data(); l.dispose();
  res[k]!.push(performance.now() - t0);
}
const med = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1]!.toFixed(1);
console.log("LSTM layer step T=50 N=16 H=32: sequence", med(res.seq!), "ms, cells", med(res.cells!), "ms");
process.exit(0);
