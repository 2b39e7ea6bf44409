#!/usr/bin/env node
/**
 * The `tensorgrad` command: train a recipe, evaluate / predict with / summarise / diagram a saved
 * model, run the benchmarks. Progress bars on a terminal, plain lines otherwise; bad arguments exit
 * non-zero with a one-line reason.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { TensorgradError } from "../base/errors.js";
import { manualSeed } from "../base/rng.js";
import { tensor } from "../ops/creation.js";
import { loadModel } from "../keras/serialization.js";
import { readableFolder } from "../io/atomic.js";
import { toMermaid } from "../viz/index.js";
import { saveHistory } from "../viz/plot.js";
import { OneCycle, PROGRAMS, RECIPES, augmentedImages, type DataChoice } from "./recipes.js";
import { GRAPH_RECIPES, loadGraph, trainGraphRecipe, type GraphRecipe } from "./graph-recipes.js";
import { VISION_RECIPES, evalVision, isVisionFolder, trainVision } from "./vision-recipes.js";
import { CLUSTER_METHODS, runCluster, type ClusterMethod } from "./cluster-command.js";
import { runRl } from "./rl-command.js";
import { EXPLAIN_METHODS, runExplain, type ExplainMethod } from "./explain-command.js";
import { runSsl } from "./ssl-command.js";
import { LaunchUsageError, launch } from "./launch-command.js";
import { PlaygroundUsageError, playgroundCommand } from "./playground-command.js";
import { BABY_GPT, sampleCommand, trainGptChar } from "./gpt-command.js";
import type { BaseModel } from "../keras/model.js";
import type { Tensor } from "../ops/tensor.js";
import { Vocab } from "../data/text/vocab.js";
import { padSequences } from "../data/text/sequences.js";
import { basicEnglishTokenizer } from "../data/text/tokenizer.js";

const USAGE = `usage: tensorgrad <command> [options]
  train <recipe>        ${[...Object.keys(RECIPES), ...Object.keys(PROGRAMS)].join(" | ")}  [--epochs 5] [--batch-size 64] [--lr 0.001] [--seed 0]
                        (convnet-keras: 10 epochs, augmented images, one-cycle lr peaking at 0.003)
                        [--fashion | --data DIR (MNIST IDX, or aclImdb for lstm-text and transformer)] [--limit N] [--save DIR]
  train <graph recipe>  ${Object.keys(GRAPH_RECIPES).join(" | ")}  --data DIR (holding Cora/raw/ind.cora.*, PyG's Planetoid layout)
                        [--seed 0] [--runs 1 (seeds seed…seed+runs−1; mean ± std)] [--epochs (the recipe's)]
  train <vision recipe> ${Object.keys(VISION_RECIPES).join(" | ")}  [--epochs --lr --batch-size (the recipe's)]
                        [--seed 0] [--limit N (training scenes or images)] [--data DIR (resnet20-fashion: MNIST-format
                        IDX files; default Debian's Fashion-MNIST)] [--save DIR (model.safetensors and recipe.json;
                        eval DIR scores it again on the same test split)]
  eval <model-dir>      accuracy on the test split of the data the model was trained on (recorded by train --save;
                        --fashion | --data DIR | --limit N evaluate on other data of the same kind)
  predict <model-dir> <inputs.json>   the prediction for each input. inputs.json is a JSON array of samples:
                        for image models each sample is 28×28 pixel values in [0, 1] (nested [28][28] or [28][28][1],
                        or 784 numbers); for text models each sample is a string. Softmax models print the class,
                        sigmoid models {probability, label}
  cluster <method> <FILE.csv>  ${CLUSTER_METHODS.join(" | ")} on the file's numeric columns (a header row first):
                        -k 8 (all but dbscan) [--linkage ward] [--eps 0.5 --min-samples 5 (dbscan)] [--seed 0]
                        [--out labels.txt (one label per row; −1 is noise)]
  rl train <algorithm> <env-id>  ppo | a2c | reinforce | dqn | sac | qlearning | sarsa on a registered environment
                        (CartPole-v1, Pendulum-v1, FrozenLake-v1, …) with tuned settings [--steps N (the settings')]
                        [--seed 0] [--save DIR (the agent, monitor.csv/json and learning-curve.svg)]
  rl eval <agent-dir>   mean return over [--episodes 100] deterministic episodes [--seed 0], and whether it is solved
  rl render <agent-dir> --out FILE.svg   one episode of the agent as an animated SVG
  explain <model-dir> --input inputs.json   why the model predicted what it did, for inputs as predict takes them:
                        [--method ${EXPLAIN_METHODS.join(" | ")} (default integrated-gradients; text models:
                        integrated gradients on the embedding)] [--target CLASS (default: each input's prediction)]
                        [--steps 50] [--out explain.svg (images) | explain.html (text)]
  ssl pretrain <simclr|byol|simsiam> --minutes M | --epochs N   pre-train a small CNN encoder on the training images
                        without their labels (a k-NN monitor after each epoch) [--fashion | --data DIR] [--limit N]
                        [--batch-size 256] [--seed 0] [--save DIR]
  ssl finetune <pretrained-dir>   a linear probe, then the whole network fine-tuned, on [--labels 600] labelled images
                        (an equal number per class) [--epochs (default: ~36,000 images seen)] [--scratch (also train
                        the same network from scratch)] [--seed 0] [--save DIR]
  train gpt-char        nanoGPT's baby GPT (4 layers, 4 heads, 128 wide, context ${BABY_GPT.blockSize}) on the characters of
                        [--data FILE (a UTF-8 text; default Moby-Dick)] for [--iters 2000]; prints the validation
                        loss every ${BABY_GPT.evalInterval} iterations and at the end [--seed 1337] [--save DIR]
  sample <lm-dir>       continue [--prompt "text"] by [--tokens 200] tokens, printed as they come [--temperature 0.8]
                        [--top-k 200] [--top-p P] [--seed 1337]
  summary <model-dir>   the model's layers, shapes and parameter counts
  diagram <model-dir>   the model as a Mermaid flowchart
  launch -n N script.ts [args…]  run a script on N ranks with mpirun (tg.distributed; threads per rank = cores / ranks
                        per host) [--host a,b | --hostfile FILE] [--oversubscribe]
  playground            serve the playground (pages that train networks in the browser) [--port 8080] [--host 127.0.0.1]
                        [--dir DIR (default: the checkout's playground/dist, built by npm run build:playground)]
  bench [suite|gemm|lstm|loader|memory] [--quick] [--out DIR]  run a benchmark (from a source checkout; default: the
                        whole suite); its JSON goes to DIR (default: the system's temporary folder)`;

class UsageError extends Error {}

/** What train --save records beside the model (recipe.json). */
interface SavedRecipe {
  recipe: string;
  data: DataChoice;
  vocab?: string[];
}

function savedRecipe(dir: string): SavedRecipe | null {
  const file = path.join(readableFolder(dir), "recipe.json");
  if (!existsSync(file)) return null;
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as SavedRecipe;
    if (typeof r.recipe !== "string" || typeof r.data !== "object" || (r.vocab !== undefined && !Array.isArray(r.vocab))) throw new Error("unexpected fields");
    return r;
  } catch (e) {
    fail(`${file} is damaged (${(e as Error).message}); train and save the model again`);
  }
}

/** Evaluating on data of another shape, or with classes the model has no output for, is an error. */
function checkFits(model: BaseModel, x: Tensor, y: Tensor, dataName: string): void {
  const expected = model.inputShape();
  const got = x.shape.slice(1);
  if (expected && (expected.length !== got.length || expected.some((d, i) => d !== null && d !== got[i]))) {
    fail(`eval: the model takes inputs of shape [${expected.join(", ")}], ${dataName} has [${got.join(", ")}]`);
  }
  const width = model.outputShape()[model.outputShape().length - 1] as number;
  const top = y.numel() ? y.max().item() : 0;
  if (width > 1 && top >= width) fail(`eval: ${dataName} has class ${top}, the model has outputs for ${width} classes`);
  if (width === 1 && top > 1) fail(`eval: ${dataName} has class ${top}, the model is a binary (sigmoid) classifier`);
}

/** The inputs of predict as a batch for the model, or an error saying what was expected. */
function predictInputs(inputs: unknown, model: BaseModel, saved: SavedRecipe | null, file: string): Tensor {
  if (!Array.isArray(inputs) || inputs.length === 0) fail(`predict: ${file} must hold a non-empty JSON array of samples`);
  const shape = model.inputShape() ?? fail("predict: the model does not record its input shape");
  const size = shape.reduce((a: number, b) => a * (b ?? 1), 1);
  if (inputs.every((s) => typeof s === "string")) {
    if (!saved?.vocab) fail(`predict: ${file} holds strings, but this model takes numbers of shape [${shape.join(", ")}]`);
    const vocab = new Vocab(saved.vocab);
    if (vocab.has("<unk>")) vocab.setDefaultIndex(vocab.get("<unk>"));
    return padSequences((inputs as string[]).map((t) => vocab.lookupIndices(basicEnglishTokenizer(t))), { maxlen: size });
  }
  if (saved?.vocab) fail(`predict: this is a text model; ${file} must hold an array of strings`);
  const rows = inputs.map((sample, i) => {
    const flat = Array.isArray(sample) ? (sample as unknown[]).flat(Infinity) : [sample];
    if (flat.length !== size || !flat.every((v) => typeof v === "number" && Number.isFinite(v))) {
      fail(`predict: sample ${i} of ${file} must be ${size} numbers (shape [${shape.join(", ")}]), got ${flat.length} value(s)${flat.every((v) => typeof v === "number") ? "" : " that are not all numbers"}`);
    }
    return flat as number[];
  });
  return tensor(rows.flat(), { shape: [rows.length, ...(shape as number[])] });
}

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

/** Trains a graph recipe from `runs` seeds and prints each test accuracy and their mean ± std. */
function trainGraph(name: string, recipe: GraphRecipe, data: string | undefined, seed: number, runs: number, epochs: number): void {
  if (!data) fail(`train ${name}: --data DIR must name the folder holding ${recipe.dataset}/raw/ (PyG's Planetoid files)`);
  const graph = loadGraph(recipe, data);
  console.log(`${name}: ${recipe.describe}, on ${recipe.dataset} (${graph.numNodes} nodes, ${graph.numEdges} edges), up to ${epochs} epochs`);
  const accs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const r = trainGraphRecipe({ ...recipe, epochs }, graph, seed + run);
    accs.push(r.testAcc);
    console.log(`seed ${seed + run}: test accuracy ${(100 * r.testAcc).toFixed(2)}% (validation ${(100 * r.valAcc).toFixed(2)}% at epoch ${r.bestEpoch} of ${r.epochs}; ${r.msPerEpoch.toFixed(1)} ms/epoch)`);
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  console.log(`test accuracy ${(100 * mean).toFixed(2)}% ± ${(100 * std).toFixed(2)} over ${runs} run${runs > 1 ? "s" : ""}`);
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  // launch passes everything after its own flags to the script: parsed apart from the rest.
  if (command === "launch") {
    process.exitCode = launch(rest);
    return;
  }
  if (command === "playground") {
    playgroundCommand(rest).catch(reportFailure);
    return;
  }
  const { values: o, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      epochs: { type: "string", default: "5" },
      "batch-size": { type: "string", default: "64" },
      lr: { type: "string", default: "0.001" },
      seed: { type: "string", default: "0" },
      runs: { type: "string", default: "1" },
      fashion: { type: "boolean", default: false },
      data: { type: "string" },
      limit: { type: "string" },
      save: { type: "string" },
      recipe: { type: "string" },
      quick: { type: "boolean", default: false },
      slow: { type: "boolean", default: false },
      out: { type: "string" },
      k: { type: "string", short: "k", default: "8" },
      linkage: { type: "string", default: "ward" },
      eps: { type: "string", default: "0.5" },
      "min-samples": { type: "string", default: "5" },
      steps: { type: "string" },
      episodes: { type: "string" },
      input: { type: "string" },
      method: { type: "string", default: "integrated-gradients" },
      target: { type: "string" },
      minutes: { type: "string" },
      labels: { type: "string", default: "600" },
      scratch: { type: "boolean", default: false },
      iters: { type: "string", default: "2000" },
      prompt: { type: "string", default: "" },
      tokens: { type: "string", default: "200" },
      temperature: { type: "string", default: "0.8" },
      "top-k": { type: "string", default: "200" },
      "top-p": { type: "string" },
    },
  });
  const num = (name: keyof typeof o) => {
    const v = Number(o[name]);
    if (!Number.isFinite(v) || v <= 0) fail(`--${name} must be a positive number, got '${String(o[name])}'`);
    return v;
  };
  const given = (name: string) => rest.some((x) => x.startsWith(`--${name}`));
  const choice = { fashion: o.fashion!, ...(o.data ? { data: o.data } : {}), ...(o.limit ? { limit: num("limit") } : {}) };
  const modelDir = () => {
    const dir = positionals[0] ?? fail(`${command}: give the directory of a saved model`);
    if (!existsSync(path.join(readableFolder(dir), "model.json"))) fail(`${command}: ${dir} holds no model.json (save one with train --save DIR)`);
    return dir;
  };
  switch (command) {
    case "train": {
      const names = [...Object.keys(RECIPES), ...Object.keys(GRAPH_RECIPES), ...Object.keys(VISION_RECIPES), ...Object.keys(PROGRAMS), "gpt-char"].join(", ");
      const name = positionals[0] ?? fail(`train: name a recipe (${names})`);
      const seedGiven = rest.some((a) => a.startsWith("--seed"));
      if (name === "gpt-char") return trainGptChar({ iters: num("iters"), seed: seedGiven ? Number(o.seed) : 1337, ...(o.data ? { data: o.data } : {}), ...(o.save ? { save: o.save } : {}) });
      const graph = Object.hasOwn(GRAPH_RECIPES, name) ? GRAPH_RECIPES[name] : undefined;
      if (graph) return trainGraph(name, graph, o.data, Number(o.seed), num("runs"), given("epochs") ? num("epochs") : graph.epochs);
      const vision = Object.hasOwn(VISION_RECIPES, name) ? VISION_RECIPES[name] : undefined;
      if (vision) {
        const { defaults } = vision;
        trainVision(name, {
          epochs: given("epochs") ? num("epochs") : defaults.epochs,
          lr: given("lr") ? num("lr") : defaults.lr,
          batchSize: given("batch-size") ? num("batch-size") : defaults.batchSize,
          seed: Number(o.seed),
          ...(o.limit ? { limit: num("limit") } : {}),
          ...(o.data ? { data: o.data } : {}),
          ...(o.save ? { save: o.save } : {}),
        });
        return;
      }
      const program = Object.hasOwn(PROGRAMS, name) ? PROGRAMS[name] : undefined;
      if (program) {
        if (o.save) fail(`train ${name}: this program checks the library against formulas; it has no model to save`);
        console.log(`${name}: ${program.describe}`);
        return runFromCheckout(program.file, []);
      }
      const recipe = (Object.hasOwn(RECIPES, name) ? RECIPES[name] : undefined) ?? fail(`train: unknown recipe '${name}'; choose one of ${names}`);
      manualSeed(Number(o.seed));
      const prepared = recipe.data(choice);
      const { train: [x, y], test: [xt, yt], name: dataName } = prepared;
      console.log(`${name}: ${recipe.describe}, on ${dataName} (${x.shape[0]} training samples)`);
      const { training } = recipe;
      const epochs = given("epochs") ? num("epochs") : training.epochs;
      const lr = given("lr") ? num("lr") : training.lr;
      const model = recipe.build(lr);
      const fitOptions = { epochs, validationData: [xt, yt] as [Tensor, Tensor] };
      let history;
      if (training.augment) {
        const loader = augmentedImages(choice, training.augment, num("batch-size"));
        const callbacks = training.oneCycle ? [new OneCycle(model, lr, epochs * loader.length)] : [];
        history = model.fit(loader, { ...fitOptions, callbacks });
      } else history = model.fit(x, y, { ...fitOptions, batchSize: num("batch-size") });
      const { accuracy } = model.evaluate(xt, yt, { returnDict: true });
      console.log(`test accuracy ${(100 * accuracy!).toFixed(2)}%`);
      if (o.save) {
        // The recipe, its data and (text) vocabulary go into the same atomic write as the model, so
        // eval and predict need no flags and see the data exactly as training did.
        const saved: SavedRecipe = { recipe: name, data: { fashion: choice.fashion, ...(choice.data ? { data: choice.data } : {}), ...(choice.limit ? { limit: choice.limit } : {}) }, ...(prepared.vocab ? { vocab: [...prepared.vocab] } : {}) };
        model.save(o.save, { files: { "recipe.json": new TextEncoder().encode(`${JSON.stringify(saved)}\n`) } });
        const files = saveHistory(history, path.join(o.save, "history"), { title: `${name} on ${dataName}` });
        console.log(`saved the model and ${files.map((f) => path.basename(f)).join(", ")} to ${o.save}`);
      }
      return;
    }
    case "eval": {
      if (positionals[0] && isVisionFolder(positionals[0])) {
        evalVision(positionals[0]);
        return;
      }
      const dir = modelDir();
      const model = loadModel(dir);
      const saved = savedRecipe(dir);
      const recipeName = o.recipe ?? saved?.recipe ?? fail(`eval: ${dir} has no recipe.json (saved before train --save recorded one); pass --recipe NAME`);
      const recipe = (Object.hasOwn(RECIPES, recipeName) ? RECIPES[recipeName] : undefined) ?? fail(`eval: unknown recipe '${recipeName}'`);
      const overridden = o.fashion || o.data !== undefined || o.limit !== undefined;
      const data = recipe.data({ ...(overridden ? choice : (saved?.data ?? choice)), ...(saved?.vocab ? { vocab: saved.vocab } : {}) });
      const [x, y] = data.test;
      checkFits(model, x, y, data.name);
      const { loss, accuracy } = model.evaluate(x, y, { returnDict: true });
      console.log(`${data.name} test split: loss ${loss!.toFixed(4)}, accuracy ${(100 * accuracy!).toFixed(2)}%`);
      return;
    }
    case "predict": {
      const dir = modelDir();
      const model = loadModel(dir);
      const file = positionals[1] ?? fail("predict: give a JSON file with an array of inputs (see tensorgrad help)");
      let inputs: unknown;
      try {
        inputs = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        fail(`predict: cannot read ${file} as JSON (${(e as Error).message})`);
      }
      const x = predictInputs(inputs, model, savedRecipe(dir), file);
      const out = model.predict(x);
      const sigmoid = out.shape[out.ndim - 1] === 1;
      const rows = out.reshape(out.shape[0]!, -1).tolist() as number[][];
      console.log(JSON.stringify(sigmoid ? rows.map(([p]) => ({ probability: +p!.toFixed(6), label: p! >= 0.5 ? 1 : 0 })) : out.argmax(-1).tolist()));
      return;
    }
    case "explain": {
      const dir = modelDir();
      const model = loadModel(dir);
      const file = o.input ?? fail("explain: give --input inputs.json (an array of inputs, as predict takes)");
      let inputs: unknown;
      try {
        inputs = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        fail(`explain: cannot read ${file} as JSON (${(e as Error).message})`);
      }
      const saved = savedRecipe(dir);
      const method = o.method as ExplainMethod;
      if (!EXPLAIN_METHODS.includes(method)) fail(`explain: --method must be one of ${EXPLAIN_METHODS.join(", ")}, got '${o.method}'`);
      const target = o.target === undefined ? undefined : Number(o.target);
      if (target !== undefined && !(Number.isInteger(target) && target >= 0)) fail(`explain: --target must be a class index, got '${o.target}'`);
      runExplain(model, predictInputs(inputs, model, saved, file), {
        method, steps: rest.some((a) => a.startsWith("--steps")) ? num("steps") : 50, out: o.out ?? (saved?.vocab ? "explain.html" : "explain.svg"),
        ...(target === undefined ? {} : { target }), ...(saved?.vocab ? { vocab: saved.vocab } : {}),
      });
      return;
    }
    case "sample": {
      const dir = positionals[0] ?? fail("sample: give the directory of a saved language model (train gpt-char --save DIR)");
      const temperature = Number(o.temperature);
      if (!(temperature >= 0)) fail(`sample: --temperature must be ≥ 0, got '${o.temperature}'`);
      sampleCommand(dir, {
        prompt: o.prompt!, tokens: num("tokens"), temperature, topK: num("top-k"), topP: o["top-p"] === undefined ? null : num("top-p"),
        seed: rest.some((a) => a.startsWith("--seed")) ? Number(o.seed) : 1337,
      });
      return;
    }
    case "summary":
      loadModel(modelDir()).summary();
      return;
    case "diagram":
      console.log(toMermaid(loadModel(modelDir())));
      return;
    case "cluster": {
      const method = positionals[0] as ClusterMethod | undefined;
      if (!method || !CLUSTER_METHODS.includes(method)) fail(`cluster: name a method (${CLUSTER_METHODS.join(", ")})`);
      const file = positionals[1] ?? fail("cluster: give the CSV file to cluster");
      if (!existsSync(file)) fail(`cluster: no file ${file}`);
      runCluster(method!, file, { k: num("k"), seed: Number(o.seed), linkage: o.linkage!, eps: num("eps"), minSamples: num("min-samples"), ...(o.out ? { out: o.out } : {}) });
      return;
    }
    case "rl": {
      const steps = rest.some((x) => x.startsWith("--steps")) ? num("steps") : undefined;
      runRl(positionals[0], positionals.slice(1), {
        seed: Number(o.seed), episodes: rest.some((x) => x.startsWith("--episodes")) ? num("episodes") : 100,
        ...(steps === undefined ? {} : { steps }), ...(o.save ? { save: o.save } : {}), ...(o.out ? { out: o.out } : {}),
      });
      return;
    }
    case "ssl": {
      runSsl(positionals[0], positionals.slice(1), {
        seed: Number(o.seed), data: choice, batchSize: given("batch-size") ? num("batch-size") : 256, labels: num("labels"), scratch: o.scratch!,
        ...(o.minutes !== undefined ? { minutes: num("minutes") } : {}), ...(given("epochs") ? { epochs: num("epochs") } : {}), ...(o.save ? { save: o.save } : {}),
      });
      return;
    }
    case "bench": {
      const which = positionals[0] ?? "suite";
      const out = o.out ?? path.join(tmpdir(), "tensorgrad-bench");
      console.log(`results go to ${out}`);
      return runFromCheckout(`bench/${which}.ts`, [...(o.quick ? ["--quick"] : []), ...(o.slow ? ["--slow"] : []), "--out", out]);
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

/** A usage or library error is printed as one line (exit 2); anything else is a bug and thrown. */
function reportFailure(e: unknown): void {
  const known = e instanceof UsageError || e instanceof LaunchUsageError || e instanceof PlaygroundUsageError || e instanceof TensorgradError;
  if (known || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") || (e as { code?: string }).code === "EADDRINUSE") {
    console.error(`tensorgrad: ${(e as Error).message}`);
    process.exit(2);
  }
  throw e;
}

try {
  main(process.argv.slice(2));
} catch (e) {
  reportFailure(e);
}
