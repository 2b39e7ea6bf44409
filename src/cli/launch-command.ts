/**
 * `tensorgrad launch -n 4 [--hostfile F | --host a,b] [--oversubscribe] script.ts [args…]`: runs the
 * script on N ranks through the system's mpirun (Open MPI's or MPICH's), passing the environment,
 * and gives each rank cores / ranks-per-host wasm threads (TENSORGRAD_NUM_THREADS), so the ranks
 * of a host do not fight over its cores.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

export interface LaunchPlan {
  command: string;
  args: string[];
  threadsPerRank: number;
}

/** Hosts named by --host (a,b or a:2,b:2) or a hostfile (one per line, "# comments", "slots=N"). */
function hostCount(host: string | undefined, hostfile: string | undefined): number {
  if (host) return host.split(",").filter(Boolean).length;
  if (!hostfile) return 1;
  return readFileSync(hostfile, "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean).length || 1;
}

/** The mpirun command line for a launch (exported for its tests). */
export function launchPlan(argv: readonly string[], { mpirunVersion, cores = availableParallelism(), isRoot = process.getuid?.() === 0 }: { mpirunVersion: string; cores?: number; isRoot?: boolean }): LaunchPlan {
  let n = 0;
  let host: string | undefined;
  let hostfile: string | undefined;
  let oversubscribe = false;
  let i = 0;
  const value = (flag: string) => argv[++i] ?? usage(`${flag} needs a value`);
  for (; i < argv.length && argv[i]!.startsWith("-"); i++) {
    const a = argv[i]!;
    if (a === "-n" || a === "--nproc" || a === "-np") n = Number(value(a));
    else if (a === "--host") host = value(a);
    else if (a === "--hostfile") hostfile = value(a);
    else if (a === "--oversubscribe") oversubscribe = true;
    else if (a === "--") {
      i++;
      break;
    } else usage(`unknown option ${a}`);
  }
  if (!Number.isInteger(n) || n < 1) usage("-n must be a positive number of ranks");
  const [script, ...rest] = argv.slice(i);
  if (!script) usage("name the script to run");
  const scriptArgs = rest[0] === "--" ? rest.slice(1) : rest;
  const perHost = Math.ceil(n / hostCount(host, hostfile));
  const threadsPerRank = Math.max(1, Math.floor(cores / perHost));
  const openMpi = /Open MPI|OpenRTE/i.test(mpirunVersion);
  const env = { TENSORGRAD_NUM_THREADS: String(threadsPerRank) };
  // Passed on by name to ranks on other hosts (local ranks inherit the environment anyway).
  const forward = ["PATH", "NODE_OPTIONS", ...Object.keys(process.env).filter((k) => k.startsWith("TENSORGRAD_") && !(k in env))].filter((k) => process.env[k] !== undefined);
  const args = ["-n", String(n)];
  if (host) args.push("--host", host);
  if (hostfile) args.push(openMpi ? "--hostfile" : "-f", hostfile);
  if (openMpi) {
    if (oversubscribe || (!host && !hostfile && n > cores)) args.push("--oversubscribe");
    if (isRoot) args.push("--allow-run-as-root");
    // Open MPI binds each rank to one core by default: a rank's wasm worker threads would share it.
    if (threadsPerRank > 1) args.push("--bind-to", "none");
    for (const [k, v] of Object.entries(env)) args.push("-x", `${k}=${v}`);
    for (const k of forward) args.push("-x", k);
  } else {
    for (const [k, v] of Object.entries(env)) args.push("-genv", k, v);
    if (forward.length) args.push("-genvlist", forward.join(","));
  }
  args.push(process.execPath, script, ...scriptArgs);
  return { command: "mpirun", args, threadsPerRank };
}

function usage(message: string): never {
  throw new LaunchUsageError(`launch: ${message}\nusage: tensorgrad launch -n N [--host a,b | --hostfile FILE] [--oversubscribe] script.ts [args…]`);
}

export class LaunchUsageError extends Error {}

/** Runs the plan; returns mpirun's exit status. */
export function launch(argv: readonly string[]): number {
  const version = spawnSync("mpirun", ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) throw new LaunchUsageError("launch: no mpirun on PATH; install an MPI (Debian: openmpi-bin libopenmpi-dev) and the binding (npm install tensorgrad-mpi)");
  const plan = launchPlan(argv, { mpirunVersion: version.stdout });
  console.error(`tensorgrad launch: ${plan.command} ${plan.args.join(" ")}`);
  const run = spawnSync(plan.command, plan.args, { stdio: "inherit" });
  return run.status ?? 1;
}
