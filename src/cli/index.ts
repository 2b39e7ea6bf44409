#!/usr/bin/env node
/**
 * The `tensorgrad` command: train a recipe, evaluate / predict with / summarise / diagram a saved
 * model, run the benchmarks. Progress bars on a terminal, plain lines otherwise; bad arguments exit
 * non-zero with a one-line reason.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { TensorgradError } from "../core/errors.js";
import { manualSeed } from "../core/rng.js";
import { tensor } from "../ops/creation.js";
import { loadModel } from "../keras/serialization.js";
import { readableFolder } from "../io/atomic.js";
import { toMermaid } from "../viz/index.js";
import { saveHistory } from "../viz/plot.js";
import { PROGRAMS, RECIPES } from "./recipes.js";

const USAGE = `usage: tensorgrad <command> [options]
  train <recipe>        ${[...Object.keys(RECIPES), ...Object.keys(PROGRAMS)].join(" | ")}  [--epochs 5] [--batch-size 64] [--lr 0.001] [--seed 0]
                        [--fashion | --data DIR (MNIST IDX, or aclImdb for lstm-text and transformer)] [--limit N] [--save DIR]
  eval <model-dir>      accuracy on the test split  [--recipe NAME (whose data to use)] [--fashion | --data DIR] [--limit N]
  predict <model-dir> <inputs.json>   prints the predicted class of each input
  summary <model-dir>   the model's layers, shapes and parameter counts
  diagram <model-dir>   the model as a Mermaid flowchart
  bench [suite|gemm|lstm|loader|memory] [--quick]  run a benchmark (from a source checkout; default: the whole suite)`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

/** Runs a TypeScript file of a tensorgrad source checkout (the current directory) with tsx. */
function runFromCheckout(file: string, args: string[]): void {
  const script = path.join(process.cwd(), file);
  if (!existsSync(script)) fail(`no ${file} here; run this from a tensorgrad source checkout`);
  const r = spawnSync("npx", ["tsx", script, ...args], { stdio: "inherit" });
  process.exitCode = r.status ?? 1;
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  const { values: o, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      epochs: { type: "string", default: "5" },
      "batch-size": { type: "string", default: "64" },
      lr: { type: "string", default: "0.001" },
      seed: { type: "string", default: "0" },
      fashion: { type: "boolean", default: false },
      data: { type: "string" },
      limit: { type: "string" },
      save: { type: "string" },
      recipe: { type: "string" },
      quick: { type: "boolean", default: false },
      slow: { type: "boolean", default: false },
    },
  });
  const num = (name: keyof typeof o) => {
    const v = Number(o[name]);
    if (!Number.isFinite(v) || v <= 0) fail(`--${name} must be a positive number, got '${String(o[name])}'`);
    return v;
  };
  const choice = { fashion: o.fashion!, ...(o.data ? { data: o.data } : {}), ...(o.limit ? { limit: num("limit") } : {}) };
  const modelDir = () => {
    const dir = positionals[0] ?? fail(`${command}: give the directory of a saved model`);
    if (!existsSync(path.join(readableFolder(dir), "model.json"))) fail(`${command}: ${dir} holds no model.json (save one with train --save DIR)`);
    return dir;
  };
  switch (command) {
    case "train": {
      const names = [...Object.keys(RECIPES), ...Object.keys(PROGRAMS)].join(", ");
      const name = positionals[0] ?? fail(`train: name a recipe (${names})`);
      const program = PROGRAMS[name];
      if (program) {
        console.log(`${name}: ${program.describe}`);
        return runFromCheckout(program.file, []);
      }
      const recipe = RECIPES[name] ?? fail(`train: unknown recipe '${name}'; choose one of ${names}`);
      manualSeed(Number(o.seed));
      const { train: [x, y], test: [xt, yt], name: dataName } = recipe.data(choice);
      console.log(`${name}: ${recipe.describe}, on ${dataName} (${x.shape[0]} training samples)`);
      const model = recipe.build(num("lr"));
      const history = model.fit(x, y, { epochs: num("epochs"), batchSize: num("batch-size"), validationData: [xt, yt] });
      const { accuracy } = model.evaluate(xt, yt, { returnDict: true });
      console.log(`test accuracy ${(100 * accuracy!).toFixed(2)}%`);
      if (o.save) {
        model.save(o.save);
        const files = saveHistory(history, path.join(o.save, "history"), { title: `${name} on ${dataName}` });
        console.log(`saved the model and ${files.map((f) => path.basename(f)).join(", ")} to ${o.save}`);
      }
      return;
    }
    case "eval": {
      const model = loadModel(modelDir());
      const recipe = RECIPES[o.recipe ?? "mlp-mnist"] ?? fail(`eval: unknown recipe '${o.recipe}'`);
      const { test: [x, y], name: dataName } = recipe.data(choice);
      const { loss, accuracy } = model.evaluate(x, y, { returnDict: true });
      console.log(`${dataName} test split: loss ${loss!.toFixed(4)}, accuracy ${(100 * accuracy!).toFixed(2)}%`);
      return;
    }
    case "predict": {
      const model = loadModel(modelDir());
      const file = positionals[1] ?? fail("predict: give a JSON file with an array of inputs");
      let inputs: unknown;
      try {
        inputs = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        fail(`predict: cannot read ${file} as JSON (${(e as Error).message})`);
      }
      const out = model.predict(tensor(inputs as number[]));
      console.log(JSON.stringify(out.argmax(-1).tolist()));
      return;
    }
    case "summary":
      loadModel(modelDir()).summary();
      return;
    case "diagram":
      console.log(toMermaid(loadModel(modelDir())));
      return;
    case "bench": {
      const which = positionals[0] ?? "suite";
      return runFromCheckout(`bench/${which}.ts`, [...(o.quick ? ["--quick"] : []), ...(o.slow ? ["--slow"] : [])]);
    }
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return;
    default:
      fail(`unknown command '${command}'\n${USAGE}`);
  }
}

try {
  main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError || e instanceof TensorgradError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`tensorgrad: ${(e as Error).message}`);
    process.exit(2);
  }
  throw e;
}
