/**
 * A small character-level GPT (tg.text.GPT, nanoGPT's model) on a text, trained with nanoGPT's
 * recipe (AdamW, warm-up then cosine decay, gradients clipped at 1), and sampled token by token.
 * No messaging here, so the same trainer runs in the page's worker and in Node.
 */
import * as tg from "tensorgrad";

const { GPT, lmBatch, configureOptimizer, learningRateAt, streamTokens } = tg.text;
// Smaller than nanoGPT's baby GPT (4 × 128) so that it learns words within a minute in a page.
export const CONFIG = { blockSize: 64, nLayer: 3, nHead: 4, nEmbd: 96, bias: false, dropout: 0 };
export const BATCH = 16;
const SCHEDULE = { lr: 2e-3, minLr: 2e-4, warmupIters: 50, lrDecayIters: 1500 };

export class CharGPTTrainer {
  readonly tokenizer: tg.data.text.CharTokenizer;
  readonly model: InstanceType<typeof GPT>;
  private readonly optimizer: tg.optim.AdamW;
  private readonly train: Int32Array;
  private readonly val: Int32Array;
  private readonly generator = new tg.Generator(1337);
  steps = 0;

  constructor(readonly text: string) {
    this.tokenizer = tg.data.text.CharTokenizer.fromText(text);
    const ids = Int32Array.from(this.tokenizer.encode(text));
    const n = Math.floor(ids.length * 0.9);
    [this.train, this.val] = [ids.subarray(0, n), ids.subarray(n)];
    tg.manualSeed(1337);
    this.model = new GPT({ ...CONFIG, vocabSize: this.tokenizer.vocabSize });
    this.optimizer = configureOptimizer(this.model, { lr: SCHEDULE.lr, betas: [0.9, 0.99] });
  }

  /** One step on a random batch of windows; returns the loss. */
  step(): number {
    const rate = learningRateAt(this.steps++, SCHEDULE);
    for (const g of this.optimizer.paramGroups) g.lr = rate;
    return tg.scope(() => {
      const { x, y } = lmBatch(this.train, CONFIG.blockSize, BATCH, this.generator);
      this.optimizer.zeroGrad();
      const loss = this.model.forward(x, { targets: y }).loss!;
      loss.backward();
      tg.nn.utils.clipGradNorm(this.model.parameters(), 1);
      this.optimizer.step();
      return loss.item();
    });
  }

  /** The mean loss on four random batches of the held-out 10%. */
  validationLoss(): number {
    return tg.noGrad(() => tg.scope(() => {
      this.model.eval();
      let sum = 0;
      for (let i = 0; i < 4; i++) {
        const { x, y } = lmBatch(this.val, CONFIG.blockSize, BATCH, this.generator);
        sum += this.model.forward(x, { targets: y }).loss!.item();
      }
      this.model.train();
      return sum / 4;
    }));
  }

  /** The continuation of a prompt, one decoded token at a time (top-k 40). */
  *stream(prompt: string, tokens: number, temperature: number): Generator<string> {
    // Characters the text never used have no token: they are left out of the prompt.
    const known = [...prompt].filter((c) => {
      try {
        return this.tokenizer.encode(c).length === 1;
      } catch {
        return false;
      }
    });
    const ids = this.tokenizer.encode(known.join("") || "\n");
    try {
      for (const id of streamTokens(this.model, ids, { maxNewTokens: tokens, temperature, topK: 40, generator: this.generator })) yield this.tokenizer.decode([id]);
    } finally {
      this.model.train();
    }
  }
}
