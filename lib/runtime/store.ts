import { boundFromEnv, LruCache } from "@/lib/workflow/lru";
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import pg from "pg";
import { driverOf, type Db, type Driver } from "@/lib/db/client";
import type { NewEvent } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import type { ExecutionRow, TaskRunRow } from "@/lib/runtime/snapshots";
import type { Fence, HotTx } from "@/lib/runtime/writes/types";

/**
 * The engine's hot path on the database drivers themselves: the few statements every task costs
 * (guard the execution's version, end an attempt, create the next, append events, load an
 * execution with its attempts) as prepared statements in one transaction — on SQLite synchronous
 * better-sqlite3 calls under the process's connection lock, on PostgreSQL named statements on a
 * connection of Prisma's own pool. Profiles showed ~70% of the engine's CPU in Prisma's query
 * runtime for these; everything else (operations, workers, timers, links) stays on Prisma.
 *
 * Columns and formats are exactly Prisma's (prisma/models.prisma; DateTime on SQLite as ISO-8601
 * text `…T…000+00:00`, on PostgreSQL as timestamp(3) in UTC), and tests/integration run every
 * engine path through both. `updatedAt` is set on every update, as Prisma's @updatedAt does.
 */
/** A workflow version, as found by name (and version). */
export type DefinitionRef = { id: string; name: string; version: number };

export interface EngineStore {
  /**
   * The given version of a workflow, or its latest: findVersion / findLatestVersion of
   * lib/db/workflow-repository.ts without the definition text (starts take the parsed definition
   * from loadDefinition's cache), for the start path.
   */
  findDefinition(name: string, version?: number): Promise<DefinitionRef | null>;
  /** An execution's status, or null when there is none (waits for an end poll it). */
  executionStatus(executionId: string): Promise<string | null>;
  /** The child executions of an execution, with the attempt that started each. */
  childrenOf(executionId: string): Promise<{ id: string; parentTaskRunId: string | null }[]>;
  transaction<T>(work: (tx: HotTx) => Promise<T>): Promise<T>;
  /** An execution and every attempt of it, as Prisma would return them. */
  loadExecution(executionId: string): Promise<{ execution: ExecutionRow; runs: TaskRunRow[] } | null>;
}

/** A database failure on the fast path (the runners release their claim on these, as on Prisma's). */
export class EngineStoreError extends Error {
  constructor(cause: unknown) {
    super(`database error: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "EngineStoreError";
  }
}

const RUN_COLUMNS = [
  "id", "executionId", "taskKey", "mapIndex", "attempt", "taskType", "status", "input", "output", "error", "logBytes", "workerTaskType",
  "scheduledAt", "startedAt", "endedAt", "nextRunAt", "lockedBy", "leaseExpiresAt", "heartbeatAt", "heartbeatDetails", "createdAt", "updatedAt",
] as const satisfies readonly (keyof TaskRunRow)[];
const RUN_DATES = new Set(["scheduledAt", "startedAt", "endedAt", "nextRunAt", "leaseExpiresAt", "heartbeatAt", "createdAt", "updatedAt"]);
const RUN_INTS = new Set(["mapIndex", "attempt", "logBytes"]);
const EXECUTION_COLUMNS = [
  "id", "definitionId", "workflowName", "workflowVersion", "status", "input", "output", "error", "correlationId", "parentExecutionId",
  "parentTaskRunId", "createdBy", "createdAt", "startedAt", "endedAt", "updatedAt", "version", "nextDecisionAt",
  "depth", "rootExecutionId", "treeSize", "trigger",
] as const satisfies readonly (keyof ExecutionRow)[];
const EXECUTION_DATES = new Set(["createdAt", "startedAt", "endedAt", "updatedAt", "nextDecisionAt"]);
/** Compile-time check that the column lists name every column of their model (a new column must be added here). */
type Complete<Row, Listed> = Exclude<keyof Row, Listed> extends never ? true : { missing: Exclude<keyof Row, Listed> };
const _runColumnsComplete: Complete<TaskRunRow, (typeof RUN_COLUMNS)[number]> = true;
const _executionColumnsComplete: Complete<ExecutionRow, (typeof EXECUTION_COLUMNS)[number]> = true;
export const EVENT_COLUMNS = ["executionId", "type", "taskKey", "taskRunId", "mapIndex", "actor", "reason", "payload", "createdAt"] as const;

const quoted = (columns: readonly string[]) => columns.map((column) => `"${column}"`).join(", ");

export function eventValues(event: NewEvent): unknown[] {
  return [
    event.executionId,
    event.type,
    event.taskKey ?? null,
    event.taskRunId ?? null,
    event.mapIndex === undefined || event.mapIndex === -1 ? null : event.mapIndex,
    event.actor ?? "engine",
    event.reason ?? null,
    toJsonText(event.payload),
    event.createdAt,
  ];
}

/** `"a" = ?, "b" = ?` (or $n) for a patch, with updatedAt; keys sorted so equal shapes share one statement. */
function setClause(patch: Record<string, unknown>, placeholder: (i: number) => string, first: number): { sql: string; values: unknown[]; keys: string[] } {
  const keys = Object.keys(patch)
    .filter((key) => patch[key] !== undefined && key !== "updatedAt")
    .sort();
  const parts = keys.map((key, i) => `"${key}" = ${placeholder(first + i)}`);
  parts.push(`"updatedAt" = ${placeholder(first + keys.length)}`);
  return { sql: parts.join(", "), values: [...keys.map((key) => patch[key]), new Date()], keys };
}

/** The WHERE clause of a fence (see lib/runtime/writes/fence.ts), its values after `first` placeholders. */
function fenceClause(fence: Fence, placeholder: (i: number) => string, first: number, arrays: boolean): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    parts.push(sql(placeholder(first + values.length)));
    values.push(value);
  };
  if (arrays) add((p) => `"status" = ANY(${p}::text[])`, [...fence.statuses]);
  else {
    parts.push(`"status" IN (${fence.statuses.map((_, i) => placeholder(first + i)).join(", ")})`);
    values.push(...fence.statuses);
  }
  if (fence.lockedBy === null) parts.push(`"lockedBy" IS NULL`);
  else if (fence.lockedBy !== undefined) add((p) => `"lockedBy" = ${p}`, fence.lockedBy);
  if (fence.dueBy) add((p) => `"nextRunAt" <= ${p}`, fence.dueBy);
  if (fence.leaseExpiredBefore) add((p) => `"leaseExpiresAt" < ${p}`, fence.leaseExpiredBefore);
  if (fence.leaseLiveAt) add((p) => `"leaseExpiresAt" >= ${p}`, fence.leaseLiveAt);
  return { sql: parts.join(" AND "), values };
}

// On globalThis for the same reason as the driver factories (lib/db/client.ts): one store per client.
const globalForStores = globalThis as typeof globalThis & { __flowdeckEngineStores?: WeakMap<Db, Promise<EngineStore>> };
const stores = (globalForStores.__flowdeckEngineStores ??= new WeakMap());

/** The fast-path store of a client made by createPrismaClient. */
export function engineStore(db: Db): Promise<EngineStore> {
  let store = stores.get(db);
  if (!store) {
    store = driverOf(db).then((driver) => createStore(driver));
    stores.set(db, store);
  }
  return store;
}

function createStore(driver: Driver): EngineStore {
  return driver.provider === "sqlite" ? new SqliteStore(driver.client, driver.lock) : new PgStore(driver.pool);
}

// ---------------------------------------------------------------------------------------------- SQLite

const sqliteDate = (date: Date) => date.toISOString().replace("Z", "+00:00");
const toSqlite = (value: unknown) => (value instanceof Date ? sqliteDate(value) : value === undefined ? null : value);

/**
 * Prepared statements kept per SQLite connection, by SQL text (FLOWDECK_SQLITE_STATEMENT_CACHE).
 * The SQL varies with a patch's columns and a batch's row count, so the set is open-ended; the
 * least recently used are dropped (a dropped statement is prepared again when next needed).
 * @default 500
 */
export const SQLITE_STATEMENT_CACHE_ENTRIES = boundFromEnv("FLOWDECK_SQLITE_STATEMENT_CACHE", 500);
/** Most transactions one group commit holds (SqliteStore.transaction) (FLOWDECK_SQLITE_GROUP_COMMIT). @default 64 */
export const SQLITE_GROUP_COMMIT_MAX = boundFromEnv("FLOWDECK_SQLITE_GROUP_COMMIT", 64);

type GroupedWork = { work: (tx: HotTx) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void };

class SqliteStore implements EngineStore {
  private readonly statements = new LruCache<string, Database.Statement>({ maxEntries: SQLITE_STATEMENT_CACHE_ENTRIES });

  constructor(
    private readonly client: Database.Database,
    private readonly lock: { acquire(): Promise<() => void> },
  ) {}

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.client.prepare(sql);
      if (statement.reader) statement.safeIntegers(false);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private run(sql: string, values: unknown[]): number {
    return this.statement(sql).run(...values.map(toSqlite)).changes;
  }

  private readonly tx: HotTx = {
    guardExecution: async (id, version, patch, bump = true) => {
      const set = setClause(patch, () => "?", 0);
      return this.run(`UPDATE "Execution" SET ${bump ? `"version" = "version" + 1, ` : ""}${set.sql} WHERE "id" = ? AND "version" = ?`, [...set.values, id, version]) === 1;
    },
    bumpExecution: async (id, patch) => {
      const set = setClause(patch, () => "?", 0);
      this.run(`UPDATE "Execution" SET "version" = "version" + 1, ${set.sql} WHERE "id" = ?`, [...set.values, id]);
    },
    decideNoLaterThan: async (id, at) => {
      this.run(`UPDATE "Execution" SET "nextDecisionAt" = ?, "updatedAt" = ? WHERE "id" = ? AND ("nextDecisionAt" IS NULL OR "nextDecisionAt" > ?)`, [at, new Date(), id, at]);
    },
    updateRun: async (id, fence, patch) => {
      const set = setClause(patch, () => "?", 0);
      const where = fenceClause(fence, () => "?", 0, false);
      return this.run(`UPDATE "TaskRun" SET ${set.sql} WHERE "id" = ? AND ${where.sql}`, [...set.values, id, ...where.values]) === 1;
    },
    updateRunByKey: async (executionId, key, patch) => {
      const set = setClause(patch, () => "?", 0);
      return (
        this.run(`UPDATE "TaskRun" SET ${set.sql} WHERE "executionId" = ? AND "taskKey" = ? AND "mapIndex" = ? AND "attempt" = ?`, [
          ...set.values,
          executionId,
          key.taskKey,
          key.mapIndex,
          key.attempt,
        ]) === 1
      );
    },
    insertRuns: async (rows) => {
      const sql = `INSERT INTO "TaskRun" (${quoted(RUN_COLUMNS)}) VALUES (${RUN_COLUMNS.map(() => "?").join(", ")})`;
      for (const row of rows) this.run(sql, RUN_COLUMNS.map((column) => row[column]));
    },
    insertEvents: async (events) => {
      const sql = `INSERT INTO "ExecutionEvent" (${quoted(EVENT_COLUMNS)}) VALUES (${EVENT_COLUMNS.map(() => "?").join(", ")})`;
      for (const event of events) this.run(sql, eventValues(event));
    },
    countInTree: async (rootId, max) => this.run(`UPDATE "Execution" SET "treeSize" = "treeSize" + 1 WHERE "id" = ? AND "treeSize" < ?`, [rootId, max]) === 1,
    insertExecution: async (row) => {
      this.run(`INSERT INTO "Execution" (${quoted(EXECUTION_COLUMNS)}) VALUES (${EXECUTION_COLUMNS.map(() => "?").join(", ")})`, EXECUTION_COLUMNS.map((column) => row[column]));
    },
  };

  private async read<T>(work: () => T): Promise<T> {
    const release = await this.lock.acquire();
    try {
      return work();
    } catch (error) {
      throw new EngineStoreError(error);
    } finally {
      release();
    }
  }

  findDefinition(name: string, version?: number): Promise<DefinitionRef | null> {
    return this.read(() => {
      const row =
        version === undefined
          ? this.statement(`SELECT "id", "name", "version" FROM "WorkflowDefinition" WHERE "name" = ? ORDER BY "version" DESC LIMIT 1`).get(name)
          : this.statement(`SELECT "id", "name", "version" FROM "WorkflowDefinition" WHERE "name" = ? AND "version" = ?`).get(name, version);
      return (row as DefinitionRef | undefined) ?? null;
    });
  }

  executionStatus(executionId: string): Promise<string | null> {
    return this.read(() => (this.statement(`SELECT "status" FROM "Execution" WHERE "id" = ?`).get(executionId) as { status: string } | undefined)?.status ?? null);
  }

  childrenOf(executionId: string) {
    return this.read(() => this.statement(`SELECT "id", "parentTaskRunId" FROM "Execution" WHERE "parentExecutionId" = ?`).all(executionId) as { id: string; parentTaskRunId: string | null }[]);
  }

  /** Transactions waiting for the next group commit (see transaction). */
  private pending: GroupedWork[] = [];
  private flushing = false;

  /**
   * Group commit: the transactions asked for while one group is being written wait, and the next
   * group runs them all in one BEGIN IMMEDIATE … COMMIT, each in its own SAVEPOINT. One that throws
   * (a stale version, a fence that did not hold) is rolled back to its savepoint alone; the rest
   * commit. Every caller's promise resolves only after the COMMIT that holds its writes, so nothing
   * counts as done before it is durable (WAL, see lib/db/client.ts). A commit is the cost of a
   * task on SQLite (its WAL pages): 16 executions in flight share one instead of paying 16.
   * At most SQLITE_GROUP_COMMIT_MAX transactions per group (FLOWDECK_SQLITE_GROUP_COMMIT).
   */
  transaction<T>(work: (tx: HotTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        // One turn of the event loop first: what the other executions' runners finish in this turn joins the group.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const release = await this.lock.acquire();
    try {
      while (this.pending.length > 0) await this.commitGroup(this.pending.splice(0, SQLITE_GROUP_COMMIT_MAX));
    } finally {
      this.flushing = false;
      release();
    }
  }

  private async commitGroup(group: GroupedWork[]): Promise<void> {
    try {
      this.statement("BEGIN IMMEDIATE").run();
    } catch (error) {
      for (const unit of group) unit.reject(new EngineStoreError(error));
      return;
    }
    const single = group.length === 1;
    const done: { unit: GroupedWork; result: unknown }[] = [];
    for (const unit of group) {
      try {
        if (!single) this.statement("SAVEPOINT flowdeck_unit").run();
        const result = await unit.work(this.tx);
        if (!single) this.statement("RELEASE flowdeck_unit").run();
        done.push({ unit, result });
      } catch (error) {
        if (!this.client.inTransaction) {
          // SQLite ended the whole transaction (an I/O or full-disk error): nothing of the group was written.
          const failure = new EngineStoreError(error);
          for (const written of done) written.unit.reject(failure);
          unit.reject(isDriverError(error) ? failure : error);
          for (const rest of group.slice(group.indexOf(unit) + 1)) rest.reject(failure);
          return;
        }
        if (single) this.statement("ROLLBACK").run();
        else {
          this.statement("ROLLBACK TO flowdeck_unit").run();
          this.statement("RELEASE flowdeck_unit").run();
        }
        unit.reject(isDriverError(error) ? new EngineStoreError(error) : error);
        if (single) return;
      }
    }
    try {
      this.statement("COMMIT").run();
    } catch (error) {
      if (this.client.inTransaction) this.statement("ROLLBACK").run();
      for (const written of done) written.unit.reject(new EngineStoreError(error));
      return;
    }
    for (const written of done) written.unit.resolve(written.result);
  }

  async loadExecution(executionId: string) {
    const release = await this.lock.acquire();
    try {
      const execution = this.statement(`SELECT ${quoted(EXECUTION_COLUMNS)} FROM "Execution" WHERE "id" = ?`).get(executionId) as Record<string, unknown> | undefined;
      if (!execution) return null;
      const runs = this.statement(`SELECT ${quoted(RUN_COLUMNS)} FROM "TaskRun" WHERE "executionId" = ?`).all(executionId) as Record<string, unknown>[];
      return { execution: datesOf(execution, EXECUTION_DATES) as ExecutionRow, runs: runs.map((run) => datesOf(run, RUN_DATES) as TaskRunRow) };
    } catch (error) {
      throw new EngineStoreError(error);
    } finally {
      release();
    }
  }
}

function datesOf(row: Record<string, unknown>, dates: ReadonlySet<string>): Record<string, unknown> {
  for (const column of dates) {
    const value = row[column];
    if (typeof value === "string") row[column] = new Date(value);
  }
  return row;
}

function isDriverError(error: unknown): boolean {
  const name = (error as Error)?.name;
  return name === "SqliteError" || name === "DatabaseError" || (error as { code?: unknown })?.code !== undefined;
}

// ---------------------------------------------------------------------------------------------- PostgreSQL

/** timestamp(3) without time zone holds UTC (as Prisma writes it): read it as UTC whatever TZ is. */
const TIMESTAMP_OID = 1114;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID ? (value: string) => new Date(`${value.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};
/** Dates go as ISO text; PostgreSQL ignores the zone for timestamp without time zone, so it stores UTC. */
const toPg = (value: unknown) => (value instanceof Date ? value.toISOString() : value === undefined ? null : value);
/**
 * Most distinct SQL texts run as named (server-side prepared) statements (FLOWDECK_PG_NAMED_STATEMENTS).
 * Each pg connection keeps every statement it prepared (in the client and in its server session)
 * until it closes, and the SQL varies with a patch's columns and a batch's size: the first ones
 * seen get names, any further SQL text runs unnamed (parsed each time), so no connection holds more.
 * @default 500
 */
export const PG_NAMED_STATEMENTS = boundFromEnv("FLOWDECK_PG_NAMED_STATEMENTS", 500);
const namedStatements = new Map<string, string>();
function statementName(sql: string): string | undefined {
  const known = namedStatements.get(sql);
  if (known || namedStatements.size >= PG_NAMED_STATEMENTS) return known;
  const name = `fd_${createHash("sha1").update(sql).digest("hex").slice(0, 20)}`;
  namedStatements.set(sql, name);
  return name;
}

class PgStore implements EngineStore {
  constructor(private readonly pool: pg.Pool) {}

  private async query(client: pg.PoolClient | pg.Pool, sql: string, values: unknown[]): Promise<pg.QueryResult> {
    try {
      return await client.query({ name: statementName(sql), text: sql, values: values.map(toPg), types });
    } catch (error) {
      throw new EngineStoreError(error);
    }
  }

  private txOn(client: pg.PoolClient): HotTx {
    const $ = (i: number) => `$${i + 1}`;
    const count = async (sql: string, values: unknown[]) => (await this.query(client, sql, values)).rowCount ?? 0;
    return {
      guardExecution: async (id, version, patch, bump = true) => {
        const set = setClause(patch, $, 0);
        const n = set.values.length;
        return (await count(`UPDATE "Execution" SET ${bump ? `"version" = "version" + 1, ` : ""}${set.sql} WHERE "id" = ${$(n)} AND "version" = ${$(n + 1)}`, [...set.values, id, version])) === 1;
      },
      bumpExecution: async (id, patch) => {
        const set = setClause(patch, $, 0);
        await count(`UPDATE "Execution" SET "version" = "version" + 1, ${set.sql} WHERE "id" = ${$(set.values.length)}`, [...set.values, id]);
      },
      decideNoLaterThan: async (id, at) => {
        await count(`UPDATE "Execution" SET "nextDecisionAt" = $1, "updatedAt" = $2 WHERE "id" = $3 AND ("nextDecisionAt" IS NULL OR "nextDecisionAt" > $1)`, [at, new Date(), id]);
      },
      updateRun: async (id, fence, patch) => {
        const set = setClause(patch, $, 0);
        const n = set.values.length;
        const where = fenceClause(fence, $, n + 1, true);
        return (await count(`UPDATE "TaskRun" SET ${set.sql} WHERE "id" = ${$(n)} AND ${where.sql}`, [...set.values, id, ...where.values])) === 1;
      },
      updateRunByKey: async (executionId, key, patch) => {
        const set = setClause(patch, $, 0);
        const n = set.values.length;
        return (
          (await count(`UPDATE "TaskRun" SET ${set.sql} WHERE "executionId" = ${$(n)} AND "taskKey" = ${$(n + 1)} AND "mapIndex" = ${$(n + 2)} AND "attempt" = ${$(n + 3)}`, [
            ...set.values,
            executionId,
            key.taskKey,
            key.mapIndex,
            key.attempt,
          ])) === 1
        );
      },
      insertRuns: async (rows) => {
        if (rows.length === 0) return;
        // One statement for any number of rows: a column of values per array parameter.
        const arrays = RUN_COLUMNS.map((column) => rows.map((row) => toPg(row[column])));
        const casts = RUN_COLUMNS.map((column, i) => `$${i + 1}::${RUN_DATES.has(column) ? "timestamp(3)" : RUN_INTS.has(column) ? "int" : "text"}[]`);
        await count(`INSERT INTO "TaskRun" (${quoted(RUN_COLUMNS)}) SELECT * FROM unnest(${casts.join(", ")})`, arrays);
      },
      insertEvents: async (events) => {
        if (events.length === 0) return;
        const rows = events.map(eventValues);
        const arrays = EVENT_COLUMNS.map((_, i) => rows.map((row) => toPg(row[i])));
        const casts = EVENT_COLUMNS.map((column, i) => `$${i + 1}::${column === "createdAt" ? "timestamp(3)" : column === "mapIndex" ? "int" : "text"}[]`);
        await count(`INSERT INTO "ExecutionEvent" (${quoted(EVENT_COLUMNS)}) SELECT * FROM unnest(${casts.join(", ")})`, arrays);
      },
      countInTree: async (rootId, max) => (await count(`UPDATE "Execution" SET "treeSize" = "treeSize" + 1 WHERE "id" = $1 AND "treeSize" < $2`, [rootId, max])) === 1,
      insertExecution: async (row) => {
        await count(`INSERT INTO "Execution" (${quoted(EXECUTION_COLUMNS)}) VALUES (${EXECUTION_COLUMNS.map((_, i) => $(i)).join(", ")})`, EXECUTION_COLUMNS.map((column) => row[column]));
      },
    };
  }

  async findDefinition(name: string, version?: number): Promise<DefinitionRef | null> {
    const result =
      version === undefined
        ? await this.query(this.pool, `SELECT "id", "name", "version" FROM "WorkflowDefinition" WHERE "name" = $1 ORDER BY "version" DESC LIMIT 1`, [name])
        : await this.query(this.pool, `SELECT "id", "name", "version" FROM "WorkflowDefinition" WHERE "name" = $1 AND "version" = $2`, [name, version]);
    return (result.rows[0] as DefinitionRef | undefined) ?? null;
  }

  async executionStatus(executionId: string): Promise<string | null> {
    return ((await this.query(this.pool, `SELECT "status" FROM "Execution" WHERE "id" = $1`, [executionId])).rows[0] as { status: string } | undefined)?.status ?? null;
  }

  async childrenOf(executionId: string) {
    return (await this.query(this.pool, `SELECT "id", "parentTaskRunId" FROM "Execution" WHERE "parentExecutionId" = $1`, [executionId])).rows as { id: string; parentTaskRunId: string | null }[];
  }

  /**
   * A transaction on a connection of its own. While it is checked out, the connection's own errors
   * (the server ended it: a restart, an administrator's pg_terminate_backend, a network failure)
   * are caught here — pg emits them as 'error' events, which with no listener crash the process —
   * and make the transaction fail with EngineStoreError; a connection that failed so, or whose
   * ROLLBACK failed, is destroyed, not given back to the pool.
   */
  async transaction<T>(work: (tx: HotTx) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new EngineStoreError(error);
    }
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN").catch((error) => Promise.reject(new EngineStoreError(error)));
      try {
        const result = await work(this.txOn(client));
        await client.query("COMMIT").catch((error) => Promise.reject(new EngineStoreError(error)));
        if (broken) throw new EngineStoreError(broken);
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackFailed: Error) => void (broken ??= rollbackFailed));
        throw broken && !(error instanceof EngineStoreError) ? new EngineStoreError(broken) : error;
      }
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }

  /**
   * Two statements outside a transaction, the execution first on purpose: a commit between them
   * can only make the attempts newer than the version read, and then the version guard of any
   * write based on this state fails (and the state is reloaded). The other order could pair old
   * attempts with a new version and pass the guard on stale data.
   */
  async loadExecution(executionId: string) {
    const execution = await this.query(this.pool, `SELECT ${quoted(EXECUTION_COLUMNS)} FROM "Execution" WHERE "id" = $1`, [executionId]);
    if (execution.rowCount === 0) return null;
    const runs = await this.query(this.pool, `SELECT ${quoted(RUN_COLUMNS)} FROM "TaskRun" WHERE "executionId" = $1`, [executionId]);
    return { execution: execution.rows[0] as ExecutionRow, runs: runs.rows as TaskRunRow[] };
  }
}
