/**
 * Loads a saved Keras-style model from bytes (tg.keras.loadModel takes a folder's files by name
 * or a .keras archive) and runs it: 28×28 image models on a drawn digit, text models (recipe.json
 * holds their vocabulary) on a sentence, any other on numbers.
 */
import * as tg from "tensorgrad";
import { reportErrors } from "../common/worker-loop.js";
import type { FromWorker, InputKind, ToWorker } from "./protocol.js";

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
reportErrors(post);
const { padSequences, Vocab, basicEnglishTokenizer } = tg.data.text;

let model: tg.keras.BaseModel | null = null;
let vocab: InstanceType<typeof Vocab> | null = null;
let size = 0;

function load(files: Record<string, Uint8Array>): void {
  const archive = Object.keys(files).find((name) => name.endsWith(".keras"));
  model = tg.keras.loadModel(archive ? files[archive]! : files);
  const recipe = files["recipe.json"] ? (JSON.parse(new TextDecoder().decode(files["recipe.json"])) as { recipe?: string; vocab?: string[] }) : null;
  vocab = Array.isArray(recipe?.vocab) ? new Vocab(recipe.vocab) : null;
  if (vocab?.has("<unk>")) vocab.setDefaultIndex(vocab.get("<unk>"));
  const inputShape = model.inputShape() ?? [];
  size = inputShape.reduce((a: number, b) => a * (b ?? 1), 1);
  const kind: InputKind = vocab ? "text" : size === 784 ? "image" : "numbers";
  const outputShape = model.outputShape();
  post({
    type: "loaded", summary: model.summary({ write: () => {} }), mermaid: tg.viz.toMermaid(model), inputShape: [...inputShape],
    outputs: outputShape[outputShape.length - 1] as number, kind, recipe: typeof recipe?.recipe === "string" ? recipe.recipe : null,
  });
}

function predict(input: Float32Array | string | number[]): void {
  if (!model) throw new Error("load a model first");
  const shape = model.inputShape()!.map((d) => d ?? 1) as number[];
  const outputs = tg.noGrad(() => tg.scope(() => {
    let x: tg.Tensor;
    if (typeof input === "string") {
      if (!vocab) throw new Error("this model takes numbers, not text");
      x = padSequences([vocab.lookupIndices(basicEnglishTokenizer(input))], { maxlen: size });
    } else {
      if (input.length !== size || !Array.from(input).every(Number.isFinite)) throw new Error(`this model takes ${size} numbers (shape [${shape.join(", ")}]), got ${input.length}`);
      x = tg.tensor(Float32Array.from(input)).reshape(1, ...shape);
    }
    return model!.predict(x).dataSync() as Float32Array;
  }));
  post({ type: "prediction", outputs }, [outputs.buffer]);
}

onmessage = (e: MessageEvent<ToWorker>) => {
  try {
    if (e.data.type === "load") load(e.data.files);
    else predict(e.data.input);
  } catch (err) {
    post({ type: "error", message: (err as Error).message });
  }
};
