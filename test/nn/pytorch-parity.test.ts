/** Every layer and loss against PyTorch, on the CPU (the suite: parity-suite.ts). */
import { nnParitySuite } from "./parity-suite.js";

nnParitySuite();
