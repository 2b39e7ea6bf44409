// Types of webgpu-page.js (plain JavaScript, so that the browser can load it as it is).
import type * as tg from "../../src/index.js";

export function webgpuWorkload(lib: typeof tg): Promise<Record<string, unknown>>;
