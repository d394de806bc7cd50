import type { Db } from "@/lib/db/client";
import { toJsonText } from "@/lib/runtime/json";

/** One entry of the append-only execution history. */
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

type Tx = Pick<Db, "executionEvent">;

export async function appendEvents(tx: Tx, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.executionEvent.createMany({
    data: events.map((event) => ({
      executionId: event.executionId,
      type: event.type,
      taskKey: event.taskKey ?? null,
      taskRunId: event.taskRunId ?? null,
      mapIndex: event.mapIndex === undefined || event.mapIndex === -1 ? null : event.mapIndex,
      actor: event.actor ?? "engine",
      reason: event.reason ?? null,
      payload: toJsonText(event.payload),
      createdAt: event.createdAt,
    })),
  });
}
