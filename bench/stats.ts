// Small numeric and formatting helpers for the benchmark.
import { readFileSync } from "node:fs";
import { cpus, freemem, totalmem } from "node:os";
import { execFileSync } from "node:child_process";

/** Nearest-rank percentile of unsorted values (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const MiB = 1024 * 1024;

/** A markdown table. */
export function markdownTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cell = (value: string | number | null | undefined) => (value === null || value === undefined ? "–" : String(value));
  const lines = [`| ${headers.join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(" | ")} |`);
  return lines.join("\n");
}

export type MachineInfo = { nproc: number; cpuModel: string; memoryTotalMiB: number; memoryFreeMiB: number; node: string; os: string; postgres?: string };

export function machineInfo(): MachineInfo {
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    // keep os.cpus()
  }
  let os: string = process.platform;
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? os;
  } catch {
    // keep platform
  }
  return {
    nproc,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryTotalMiB: Math.round(totalmem() / MiB),
    memoryFreeMiB: Math.round(freemem() / MiB),
    node: process.version,
    os,
  };
}

/** Polls a set of processes' RSS (and their children's) and keeps the peak of the sum. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  peakBytes = 0;

  constructor(private readonly pids: () => number[], private readonly intervalMs = 50) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return this.peakBytes;
  }

  reset(): void {
    this.peakBytes = 0;
  }

  sample(): void {
    let total = 0;
    for (const pid of withDescendants(this.pids())) total += statusKb(pid, "VmRSS") * 1024;
    if (total > this.peakBytes) this.peakBytes = total;
  }
}

/** VmHWM (peak RSS since start) summed over the processes and their descendants. */
export function highWaterMarkBytes(pids: number[]): number {
  let total = 0;
  for (const pid of withDescendants(pids)) total += statusKb(pid, "VmHWM") * 1024;
  return total;
}

function statusKb(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pids and every descendant (via /proc/<pid>/task/<tid>/children). */
export function withDescendants(pids: number[]): number[] {
  const seen = new Set<number>();
  const stack = [...pids];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    try {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
      if (children) for (const child of children.split(/\s+/)) stack.push(Number(child));
    } catch {
      // gone, or no children file
    }
  }
  return [...seen];
}

/** CPU time (user + system) of a process in ms, from /proc/<pid>/stat. */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // CLK_TCK is 100 on Linux
  } catch {
    return 0;
  }
}
