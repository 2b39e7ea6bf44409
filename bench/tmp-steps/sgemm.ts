import * as tg from "../../src/index.js";
await tg.device("webgpu");
for (const n of [256, 512, 1024]) {
  const [a, b] = [tg.randn([n, n], { device: "webgpu" }), tg.randn([n, n], { device: "webgpu" })];
  await a.matmul(b).data();
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    await a.matmul(b).data();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  console.log(`n=${n}: ${((2 * n ** 3) / times[2]! / 1e6).toFixed(2)} GFLOP/s`);
}
// correctness spot check against CPU
const a = tg.randn([70, 45]); const b = tg.randn([45, 38]);
const g = await a.to("webgpu").matmul(b.to("webgpu")).data();
const c = a.matmul(b).dataSync();
let err = 0; for (let i = 0; i < c.length; i++) err = Math.max(err, Math.abs(c[i]! - g[i]!));
const at = tg.randn([64, 128]); const bt = tg.randn([256, 128]);
const g2 = await at.to("webgpu").matmul(bt.to("webgpu").t()).data();
const c2 = at.matmul(bt.t()).dataSync();
for (let i = 0; i < c2.length; i++) err = Math.max(err, Math.abs(c2[i]! - g2[i]!));
console.log("max err", err);
