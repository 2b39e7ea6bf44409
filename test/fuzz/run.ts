/**
 * Runs the fuzzing loop (worker.ts) in a child process that it bounds: the loop's time plus a
 * quarter and two minutes, and 4 GiB of JS heap. A loader that hangs or blows up memory ends that child; the case it
 * was on (written to a state file before each case) is then reported as a finding.
 *
 *   npm run fuzz -- --minutes 30 [--seed N]        (npm run fuzz alone: 60 s)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

/** Fuzzes every loader for `seconds`; returns the exit status (0: no finding) and the output. */
export function fuzz(seconds: number, seed?: number): { status: number; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-fuzz-state-"));
  const state = path.join(dir, "case");
  try {
    const args = ["--max-old-space-size=4096", "--import", "tsx", WORKER, "--seconds", String(seconds), "--state", state];
    if (seed !== undefined) args.push("--seed", String(seed));
    // Each loader's share can overrun a little on a loaded machine: a quarter more, plus two minutes.
    const run = spawnSync(process.execPath, args, { encoding: "utf8", timeout: (seconds * 1.25 + 120) * 1000, maxBuffer: 64 * 2 ** 20 });
    let output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
    if (run.status !== 0 && !/FINDING/.test(output)) {
      let last = "(no case started)";
      try {
        last = readFileSync(state, "utf8").trim();
      } catch {}
      const finished = /^\| all \|/m.test(output);
      const how = run.signal
        ? `killed by ${run.signal} (${!run.error ? "out of memory?" : finished ? "past its time bound after its last case: it did not exit" : "past its time bound: a hang"})`
        : `exited ${run.status}`;
      output += `\nFINDING: the fuzzing process ${how} on\n  ${last}\n`;
    }
    return { status: run.status ?? 1, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { minutes: { type: "string" }, seconds: { type: "string" }, seed: { type: "string" } } });
  const seconds = values.minutes ? Number(values.minutes) * 60 : Number(values.seconds ?? 60);
  const { status, output } = fuzz(seconds, values.seed !== undefined ? Number(values.seed) : undefined);
  process.stdout.write(output);
  process.exit(status);
}
