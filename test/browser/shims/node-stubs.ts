/** The Node built-ins the bundled suites import but do not need in a page: v8 flags (Node 20's), files. */
export default {
  setFlagsFromString: () => undefined,
};
export function readFileSync(): never {
  throw new Error("no file system in a browser page");
}
