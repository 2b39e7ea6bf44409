/**
 * `tensorgrad playground [--port 8080] [--host 127.0.0.1] [--dir DIR]`: serves the built playground
 * (playground/dist of the checkout, built by `npm run build:playground`) as static files, with the
 * headers that make its pages cross-origin isolated, which the wasm backend's threads need.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export class PlaygroundUsageError extends Error {}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png", ".txt": "text/plain; charset=utf-8", ".wasm": "application/wasm", ".woff2": "font/woff2",
};
/** Cross-origin isolation (SharedArrayBuffer for the threads), for the page and every file it loads. */
const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** The built app of this checkout: <package root>/playground/dist (this file is in src/cli or dist/cli). */
export const BUILT_PLAYGROUND = fileURLToPath(new URL("../../playground/dist/", import.meta.url));

/** A static server for `dir`; resolves once it listens. Paths never leave `dir`. */
export async function servePlayground(dir: string, port = 8080, host = "127.0.0.1"): Promise<{ server: Server; url: string }> {
  const root = path.resolve(dir);
  if (!existsSync(path.join(root, "index.html"))) {
    throw new PlaygroundUsageError(`${root} holds no built playground (index.html); build it with npm run build:playground in a tensorgrad checkout`);
  }
  const server = createServer((req, res) => {
    let file: string;
    try {
      const { pathname } = new URL(req.url ?? "/", "http://localhost");
      file = path.join(root, decodeURIComponent(pathname));
    } catch {
      return res.writeHead(400).end("bad request");
    }
    if (file !== root && !file.startsWith(root + path.sep)) return res.writeHead(403).end("forbidden");
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!existsSync(file) || !statSync(file).isFile()) return res.writeHead(404, ISOLATION).end("not found");
    res.writeHead(200, { ...ISOLATION, "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache" });
    res.end(req.method === "HEAD" ? undefined : readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/` };
}

/** The command: parses its flags, serves until stopped, and prints the address. */
export async function playgroundCommand(argv: readonly string[]): Promise<void> {
  const { values: o } = parseArgs({
    args: [...argv],
    options: { port: { type: "string", default: "8080" }, host: { type: "string", default: "127.0.0.1" }, dir: { type: "string" } },
  });
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PlaygroundUsageError(`--port must be a port number (0 picks a free one), got '${o.port}'`);
  const { url } = await servePlayground(o.dir ?? BUILT_PLAYGROUND, port, o.host);
  console.log(`tensorgrad playground: open ${url} (serving ${o.dir ?? BUILT_PLAYGROUND}; Ctrl-C stops it)`);
}
