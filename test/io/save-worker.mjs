// Child process of kill-during-save.test.ts: saves two alternating versions of a model (or of a
// safetensors file) to one place, forever, until it is killed. Reads the built package (dist/), so
// that it starts fast. Usage: node save-worker.mjs keras|safetensors TARGET
import * as tg from "../../dist/index.js";

const [mode, target] = process.argv.slice(2);
const { keras } = tg;
const versions = [1, 2].map((v) => {
  const model = new keras.Sequential([new keras.Dense(512, { inputShape: [1024] })], { name: `v${v}` });
  model.setWeights(Object.fromEntries(Object.entries(model.weights.stateDict()).map(([k, t]) => [k, tg.fullLike(t, v)])));
  return { model, state: { w: tg.full([1024, 512], v), b: tg.full([512], v) }, v };
});
for (let i = 0; ; i++) {
  const { model, state, v } = versions[i % 2];
  if (mode === "keras") model.save(target);
  else tg.io.saveSafetensors(target, state, { version: String(v) });
  if (i === 0) process.stdout.write("ready\n");
}
