/** One entry of the append-only execution history (inserted by HotTx.insertEvents, lib/runtime/writes). */
export type NewEvent = {
  executionId: string;
  type: string;
  taskKey?: string | null;
  taskRunId?: string | null;
  mapIndex?: number | null;
  actor?: string | null;
  reason?: string | null;
  payload?: unknown;
  createdAt: Date;
  /**
   * What the metrics need of the event's execution and attempt (lib/metrics/observe.ts):
   * never stored. Set where the writer has it at hand (no read for it); an event without it is
   * not counted.
   */
  labels?: EventLabels;
};

/** The workflow (name), the attempt's task type, and when the execution or attempt started (for durations). */
export type EventLabels = { workflow: string; taskType?: string; startedAt?: Date | null };
