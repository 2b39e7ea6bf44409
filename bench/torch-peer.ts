/**
 * PyTorch as a benchmark peer in a process of its own (bench/peers/torch_bench.py) that times one
 * workload on request, so a benchmark can measure PyTorch's run of a workload right beside its own:
 * a shared machine's speed drifts by tens of percent over a run, and a ratio is only fair when both
 * sides ran in the same minute.
 */
import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";

export class TorchPeer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    /** torch.__version__, e.g. "2.13.0+cpu". */
    readonly version: string,
  ) {}

  /** Starts `script` (bench/peers/torch_bench.py) on `python` and waits for it to be ready. */
  static async start(python: string, script: string): Promise<TorchPeer> {
    const child = spawn(python, [script], { stdio: ["pipe", "pipe", "ignore"] });
    const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const { version } = (await nextReply(child, lines)) as { version: string };
    return new TorchPeer(child, lines, version);
  }

  /** The milliseconds of `reps` runs of `workload` on `threads` threads, after its warm-up. */
  async times(workload: string, threads: number, { reps, warmup = 2, warmupMs = 0 }: { reps: number; warmup?: number; warmupMs?: number }): Promise<number[]> {
    this.child.stdin!.write(`${JSON.stringify({ workload, threads, reps, warmup, warmup_ms: warmupMs })}\n`);
    const reply = (await nextReply(this.child, this.lines)) as { times?: number[]; error?: string };
    if (!reply.times) throw new Error(`PyTorch peer: ${workload} failed: ${reply.error}`);
    return reply.times;
  }

  close(): void {
    this.child.stdin!.end();
  }
}

/** The peer's next line of JSON; an error once it has exited. */
async function nextReply(child: ChildProcess, lines: AsyncIterator<string>): Promise<unknown> {
  const { value, done } = await lines.next();
  if (done) throw new Error(`PyTorch peer exited (code ${child.exitCode})`);
  return JSON.parse(value) as unknown;
}
