import type { Db } from "@/lib/db/client";
import { observeCommittedEvents } from "@/lib/metrics/observe";
import type { NewEvent } from "@/lib/runtime/events";
import { engineStore } from "@/lib/runtime/store";
import { prismaWriteTx } from "./prisma-tx";
import type { HotTx, WriteTx } from "./types";

/**
 * Runs `work` in one transaction: on the engine store's fast path (HotTx on the driver), or, when
 * `full`, through Prisma, whose WriteTx is then given as `fullTx` too (the rare transitions that
 * need its reads: terminate a tree, settle a parent). Every transition in this folder runs in one.
 * The events it inserted are counted by the metrics once it has committed (`committed`).
 */
export async function writeTransaction<T>(db: Db, full: boolean, work: (tx: HotTx, fullTx: WriteTx | null) => Promise<T>): Promise<T> {
  if (full) return fullTransaction(db, (tx) => work(tx, tx));
  return committed((events) => engineStore(db).then((store) => store.transaction((tx) => work(recordingEvents(tx, events), null))), !unobserved.has(db));
}

/** A transaction through Prisma with the whole WriteTx. */
export function fullTransaction<T>(db: Db, work: (tx: WriteTx) => Promise<T>): Promise<T> {
  return committed((events) => db.$transaction((tx) => work(recordingEvents(prismaWriteTx(tx), events))), !unobserved.has(db));
}

// On globalThis: Next.js may bundle this module into several chunks (see lib/db/client.ts).
const globalForUnobserved = globalThis as typeof globalThis & { __flowdeckUnobservedDbs?: WeakSet<Db> };
const unobserved = (globalForUnobserved.__flowdeckUnobservedDbs ??= new WeakSet());

/** The transactions on `db` count nothing in the metrics (a workflow test's throwaway database). */
export function leaveOutOfMetrics(db: Db): void {
  unobserved.add(db);
}

/**
 * Runs a transaction that inserts events through `recordingEvents(tx, events)`, and hands the
 * events to the metrics (lib/metrics/observe.ts) only after it resolved, i.e. committed: a
 * rolled-back transaction counts nothing. For the few transactions outside this module
 * (a start, an operator's operation).
 */
export async function committed<T>(transaction: (events: NewEvent[]) => Promise<T>, observe = true): Promise<T> {
  const events: NewEvent[] = [];
  const result = await transaction(events);
  if (observe) observeCommittedEvents(events);
  return result;
}

/** `tx` with its inserted events also pushed onto `events` (a prototype view: nothing is copied). */
export function recordingEvents<Tx extends HotTx>(tx: Tx, events: NewEvent[]): Tx {
  const view = Object.create(tx) as Tx;
  view.insertEvents = (inserted) => {
    for (const event of inserted) events.push(event);
    return tx.insertEvents(inserted);
  };
  return view;
}

/** The execution changed under us (another step, a task result, an operator): load and decide again. */
export class StaleExecutionError extends Error {
  constructor(executionId: string) {
    super(`execution ${executionId} changed during the decision step`);
    this.name = "StaleExecutionError";
  }
}
