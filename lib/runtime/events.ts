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
};
