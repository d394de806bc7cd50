// Child processes for crash and scale-out tests (and the benchmark): real `scripts/worker.ts`
// engine processes, tracked so that none is ever left running.
//
//   const workers = new ProcessGroup();
//   const w = await workers.startWorker({ DATABASE_URL: url, FLOWDECK_ENGINE_LEASE_MS: "2000" });
//   w.kill("SIGKILL");
//   afterAll(() => workers.stopAll()); // SIGKILLs survivors, throws if one cannot be reaped
//
// Workers run as `node --import tsx scripts/worker.ts` (not `npx tsx …`, which forks a second
// process: SIGKILL on the wrapper would orphan the real worker).
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

export class ManagedProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | null = null;
  private output = "";
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    private readonly echo: boolean,
  ) {
    if (child.pid === undefined) throw new Error(`${name}: the process did not start`);
    this.pid = child.pid;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output += text;
      if (this.output.length > 1_000_000) this.output = this.output.slice(-500_000);
      if (this.echo) process.stderr.write(text.replace(/^(?=.)/gm, `[${this.name}] `));
      for (const listener of this.listeners) listener();
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        for (const listener of this.listeners) listener();
        resolve(this.exitInfo);
      });
    });
  }

  get running(): boolean {
    return this.exitInfo === null && isAlive(this.pid);
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get log(): string {
    return this.output;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.exitInfo === null) this.child.kill(signal);
  }

  /** Resolves with the first match of `pattern` in the output; rejects on exit or timeout. */
  waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.output.match(pattern);
        if (match) return finish(() => resolve(match));
        if (this.exitInfo) return finish(() => reject(new Error(`${this.name} exited (${JSON.stringify(this.exitInfo)}) before printing ${pattern}:\n${this.output.slice(-4000)}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-4000)}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Peak resident set size so far (VmHWM) in bytes, or null once the process is gone. */
  peakRssBytes(): number | null {
    return procStatusKb(this.pid, "VmHWM");
  }

  rssBytes(): number | null {
    return procStatusKb(this.pid, "VmRSS");
  }
}

export type WorkerProcess = ManagedProcess & { engineId: string };

export type StartOptions = {
  /** Name used in error messages and echoed output. */
  name?: string;
  /** Extra environment (merged over process.env). A value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** Copy the child's output to this process's stderr, prefixed with its name. @default false */
  echo?: boolean;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
};

/** A set of child processes that are all stopped together and verified gone. */
export class ProcessGroup {
  private readonly processes: ManagedProcess[] = [];
  private counter = 0;

  get all(): readonly ManagedProcess[] {
    return this.processes;
  }

  /** Spawns `node <args>` in the project root. */
  spawn(args: string[], options: StartOptions = {}): ManagedProcess {
    const env: NodeJS.ProcessEnv = {} as NodeJS.ProcessEnv;
    for (const [key, value] of Object.entries({ ...process.env, ...options.env })) if (value !== undefined) env[key] = value;
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const managed = new ManagedProcess(options.name ?? `process-${++this.counter}`, child, options.echo ?? false);
    this.processes.push(managed);
    return managed;
  }

  /**
   * Starts `scripts/worker.ts` and waits until its engine runs. Pass DATABASE_URL (file:<path> for
   * SQLite, postgresql://… for PostgreSQL) and any FLOWDECK_ENGINE_* knobs in `env`.
   */
  async startWorker(env: Record<string, string | undefined>, options: Omit<StartOptions, "env"> = {}): Promise<WorkerProcess> {
    const name = options.name ?? `worker-${++this.counter}`;
    const worker = this.spawn(["--import", "tsx", "scripts/worker.ts"], { ...options, name, env: { FLOWDECK_DATA_DIR: undefined, ...env } });
    const match = await worker.waitForOutput(/\[worker\] (\S+) running on /, 60_000);
    return Object.assign(worker, { engineId: match[1]! });
  }

  /**
   * SIGKILLs every process still running, waits for each to be reaped, and throws if any is still
   * alive afterwards (so a test that leaks a process fails instead of leaving it behind).
   */
  async stopAll(signal: NodeJS.Signals = "SIGKILL", graceMs = 5_000): Promise<void> {
    const alive = this.processes.filter((p) => p.running);
    for (const p of alive) p.kill(signal);
    await Promise.all(alive.map((p) => Promise.race([p.exited, sleep(graceMs)])));
    for (const p of alive.filter((q) => q.running)) p.kill("SIGKILL");
    await Promise.all(alive.map((p) => Promise.race([p.exited, sleep(graceMs)])));
    const survivors = this.processes.filter((p) => isAlive(p.pid) && !isZombieOrGone(p.pid));
    if (survivors.length > 0) throw new Error(`child processes survived: ${survivors.map((p) => `${p.name} (pid ${p.pid})`).join(", ")}`);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isZombieOrGone(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return true;
  }
}

function procStatusKb(pid: number, field: string): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** A TCP port nobody listens on right now (127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Which of `pids` owns the TCP connection whose local (client-side) port is `clientPort` on
 * 127.0.0.1 — lets a test server attribute an incoming request to the process that sent it.
 * Linux only (/proc/net/tcp + /proc/<pid>/fd); null when it cannot tell.
 */
export function ownerOfClientPort(clientPort: number, pids: readonly number[]): number | null {
  const hexPort = clientPort.toString(16).toUpperCase().padStart(4, "0");
  let inode: string | null = null;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // fields: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[9] && fields[9] !== "0") {
        inode = fields[9];
        break;
      }
    }
    if (inode) break;
  }
  if (!inode) return null;
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    try {
      for (const fd of readdirSafe(`/proc/${pid}/fd`)) {
        if (readlinkSafe(`/proc/${pid}/fd/${fd}`) === target) return pid;
      }
    } catch {
      // gone
    }
  }
  return null;
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
function readlinkSafe(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
