// Recognising Prisma's known errors in one place. Both generated clients throw the same runtime
// class (from @prisma/client/runtime), so one check covers SQLite and PostgreSQL.
import { Prisma } from "./generated/sqlite/client";

/** Prisma error codes lib/ reacts to (https://pris.ly/d/prisma-errors). */
export const PRISMA_ERROR = {
  /** Unique constraint failed, e.g. a second (name, version) of a workflow definition. */
  uniqueViolation: "P2002",
  /** Foreign key constraint failed. */
  foreignKeyViolation: "P2003",
  /** The record to update or delete was not found — e.g. an optimistic `version` check that lost. */
  recordNotFound: "P2025",
} as const;

export function isPrismaError(error: unknown, code: (typeof PRISMA_ERROR)[keyof typeof PRISMA_ERROR]): error is Prisma.PrismaClientKnownRequestError {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === code;
}
