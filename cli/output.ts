/**
 * Output of the CLI: colours only when the stream is a terminal (and NO_COLOR is unset; FORCE_COLOR
 * forces them), `--json` for scripts, and small aligned tables.
 */
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(stream: NodeJS.WriteStream, disabled = false): Colors {
  const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0";
  const enabled = !disabled && (forced || (Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== "dumb"));
  return pc.createColors(enabled);
}

export type Output = {
  json: boolean;
  color: Colors;
  errColor: Colors;
  /** A terminal: live status lines may be redrawn in place. */
  tty: boolean;
  out: (line?: string) => void;
  err: (line?: string) => void;
  write: (text: string) => void;
};

export function createOutput(options: { json?: boolean; color?: boolean }): Output {
  return {
    json: Boolean(options.json),
    color: colorsFor(process.stdout, options.color === false),
    errColor: colorsFor(process.stderr, options.color === false),
    tty: Boolean(process.stdout.isTTY),
    out: (line = "") => void process.stdout.write(`${line}\n`),
    err: (line = "") => void process.stderr.write(`${line}\n`),
    write: (text) => void process.stdout.write(text),
  };
}

export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2));
}

/** Columns padded to their widest cell (ANSI colour codes do not count). */
export function table(rows: readonly (readonly string[])[]): string[] {
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "").length;
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell))));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat(widths[i]! - visible(cell)))).join("  ").trimEnd());
}

export function statusColor(color: Colors, status: string): string {
  switch (status) {
    case "COMPLETED":
      return color.green(status);
    case "FAILED":
    case "TIMED_OUT":
    case "TERMINATED":
    case "CANCELLED":
      return color.red(status);
    case "RUNNING":
    case "SCHEDULED":
    case "WAITING":
      return color.cyan(status);
    case "PAUSED":
    case "QUEUED":
    case "PENDING":
      return color.yellow(status);
    default:
      return status;
  }
}
