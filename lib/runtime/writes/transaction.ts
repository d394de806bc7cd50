import type { Db } from "@/lib/db/client";
import { engineStore } from "@/lib/runtime/store";
import { prismaWriteTx } from "./prisma-tx";
import type { HotTx, WriteTx } from "./types";

/**
 * Runs `work` in one transaction: on the engine store's fast path (HotTx on the driver), or, when
 * `full`, through Prisma, whose WriteTx is then given as `fullTx` too (the rare transitions that
 * need its reads: terminate a tree, settle a parent). Every transition in this folder runs in one.
 */
export async function writeTransaction<T>(db: Db, full: boolean, work: (tx: HotTx, fullTx: WriteTx | null) => Promise<T>): Promise<T> {
  if (full) return fullTransaction(db, (tx) => work(tx, tx));
  return (await engineStore(db)).transaction((tx) => work(tx, null));
}

/** A transaction through Prisma with the whole WriteTx. */
export function fullTransaction<T>(db: Db, work: (tx: WriteTx) => Promise<T>): Promise<T> {
  return db.$transaction((tx) => work(prismaWriteTx(tx)));
}

/** The execution changed under us (another step, a task result, an operator): load and decide again. */
export class StaleExecutionError extends Error {
  constructor(executionId: string) {
    super(`execution ${executionId} changed during the decision step`);
    this.name = "StaleExecutionError";
  }
}
