/** tg.io — reading and writing weights in formats other tools read. */
export { saveSafetensors, loadSafetensors, readSafetensors, parseSafetensors, encodeSafetensors } from "./safetensors.js";
export { writeFileAtomic, writeFolderAtomic, readableFolder, sweepTemporaries } from "./atomic.js";
export { save, load, serialize, deserialize } from "./save-load.js";
