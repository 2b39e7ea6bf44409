/** Child process of the resume test: load a checkpoint, train 3 more steps, print the parameters. */
import { readFileSync } from "node:fs";
import * as tg from "../../src/index.js";
import { flatParams, fromJson, setup } from "./checkpoint-setup.js";

const checkpoint = fromJson(JSON.parse(readFileSync(process.argv[2]!, "utf8"))) as {
  model: tg.nn.StateDict;
  optimizer: tg.optim.OptimizerStateDict<tg.optim.functional.AdamOptions>;
  scheduler: Record<string, unknown>;
};
tg.manualSeed(999); // a different seed: everything must come from the checkpoint
const { model, optimizer, scheduler, step } = setup();
model.loadStateDict(checkpoint.model);
optimizer.loadStateDict(checkpoint.optimizer);
scheduler.loadStateDict(checkpoint.scheduler);
for (let i = 0; i < 3; i++) step();
process.stdout.write(JSON.stringify(flatParams(model)));
