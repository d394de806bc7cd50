/**
 * The live one-line status per execution while `execute --wait` waits: redrawn in place on a
 * terminal; elsewhere (CI logs, pipes) a line is printed only when an execution's status changes.
 */
import type { ExecutionView } from "@/lib/services/executions";
import { statusColor, type Output } from "./output";

export type Row = { label: string; id?: string; status: string; done?: number; total?: number; startedAt: number; endedAt?: number };

export class StatusBoard {
  private rows: Row[] = [];
  private drawn = 0;
  private lastPrinted = new Map<Row, string>();

  constructor(private readonly output: Output) {}

  add(label: string): Row {
    const row: Row = { label, status: "STARTING", startedAt: Date.now() };
    this.rows.push(row);
    return row;
  }

  update(row: Row, execution: Pick<ExecutionView, "id" | "status" | "tasks">, ended: boolean): void {
    row.id = execution.id;
    row.status = execution.status;
    row.total = execution.tasks.length;
    row.done = execution.tasks.filter((t) => ["COMPLETED", "SKIPPED", "FAILED", "TIMED_OUT", "CANCELLED", "UPSTREAM_FAILED"].includes(t.status)).length;
    if (ended) row.endedAt ??= Date.now();
  }

  line(row: Row): string {
    const c = this.output.color;
    const seconds = Math.round(((row.endedAt ?? Date.now()) - row.startedAt) / 1000);
    const tasks = row.total === undefined ? "" : `  ${row.done}/${row.total} tasks`;
    return `${row.label}  ${c.dim(row.id ?? "")}  ${statusColor(c, row.status)}${tasks}  ${seconds}s`;
  }

  render(): void {
    if (this.output.json) return;
    if (this.output.tty) {
      let text = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
      for (const row of this.rows) text += `\x1b[2K${this.line(row)}\n`;
      this.output.write(text);
      this.drawn = this.rows.length;
      return;
    }
    for (const row of this.rows) {
      if (row.id === undefined) continue; // not started yet
      const key = `${row.id}:${row.status}`;
      if (this.lastPrinted.get(row) === key) continue;
      this.lastPrinted.set(row, key);
      this.output.out(this.line(row));
    }
  }
}
