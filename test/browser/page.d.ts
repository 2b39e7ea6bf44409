// Types of page.js (plain JavaScript, so that the browser can load it as it is).
import type * as tg from "../../src/index.js";

export function workload(lib: typeof tg): Promise<{ losses: number[]; [key: string]: unknown }>;
