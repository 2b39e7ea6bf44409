import * as tg from "tensorgrad";
import { mlp, tgTrainStep } from "../models.js";
tg.setNumThreads(Number(process.env.T ?? 2));
const step = tgTrainStep(mlp(), tg.randn([32, 1, 28, 28]), tg.randint(0, 10, [32]));
for (let i = 0; i < 3000; i++) step();
