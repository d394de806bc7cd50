// The migration runner (lib/db/migrate.ts) and the Db client (lib/db/client.ts) on real SQLite and
// PostgreSQL databases.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/db/generated/sqlite/client";
import type { DatabaseConfig } from "@/lib/db/config";
import { sqliteSynchronous } from "@/lib/db/client";
import { isPrismaError, PRISMA_ERROR } from "@/lib/db/errors";
import {
  applyMigrations,
  listMigrations,
  migrationChecksum,
  readMigrationFiles,
  resolveMigrationsDir,
} from "@/lib/db/migrate";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";

const run = promisify(execFile);

interface MigrationRecord {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  started_at: unknown;
  rolled_back_at: unknown;
  logs: string | null;
  applied_steps_count: number;
}

/** Reads `_prisma_migrations` with the raw driver, independent of the code under test. */
async function readMigrationRecords(config: DatabaseConfig): Promise<MigrationRecord[]> {
  const sql = `SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"`;
  if (config.provider === "sqlite") {
    const conn = new Database(config.filePath, { readonly: true });
    try {
      return conn.prepare(sql).all() as MigrationRecord[];
    } finally {
      conn.close();
    }
  }
  return withPg(config.url, async (client) => (await client.query<MigrationRecord>(sql)).rows);
}

async function execSql(config: DatabaseConfig, sql: string): Promise<void> {
  if (config.provider === "sqlite") {
    const conn = new Database(config.filePath);
    try {
      conn.exec(sql);
    } finally {
      conn.close();
    }
    return;
  }
  await withPg(config.url, (client) => client.query(sql));
}

async function tableExists(config: DatabaseConfig, table: string): Promise<boolean> {
  if (config.provider === "sqlite") {
    const conn = new Database(config.filePath, { readonly: true });
    try {
      return conn.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
    } finally {
      conn.close();
    }
  }
  return withPg(config.url, async (client) => {
    const result = await client.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [`"${table}"`]);
    return result.rows[0]?.t !== null;
  });
}

async function withPg<T>(url: string, withClient: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await withClient(client);
  } finally {
    await client.end();
  }
}

/** A private copy of the provider's migrations, to edit or extend without touching the repository. */
function copyMigrations(provider: string): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), "flowdeck-migrations-"));
  const dir = join(root, provider);
  cpSync(resolveMigrationsDir(provider as "sqlite" | "postgresql"), dir, { recursive: true });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

describe.each(TEST_PROVIDERS)("migrations on %s", (provider) => {
  const files = readMigrationFiles(resolveMigrationsDir(provider));
  const names = files.map((file) => file.name);
  let testDb: TestDatabase;

  beforeEach(async () => {
    testDb = await createTestDatabase(provider, { migrate: false });
  });
  afterEach(async () => {
    await testDb.cleanup();
  });

  it("applies every migration once; a second run is a no-op", async () => {
    expect(names.length).toBeGreaterThan(0);
    expect(await listMigrations(testDb.config)).toEqual({ applied: [], pending: names });

    expect(await applyMigrations(testDb.config)).toEqual({ applied: names, alreadyApplied: [] });
    expect(await applyMigrations(testDb.config)).toEqual({ applied: [], alreadyApplied: names });

    expect(await listMigrations(testDb.config)).toEqual({ applied: names, pending: [] });
    expect(await tableExists(testDb.config, "ExecutionEvent")).toBe(true);
  });

  it("records migrations in _prisma_migrations as Prisma does", async () => {
    const before = Date.now();
    await applyMigrations(testDb.config);
    const records = await readMigrationRecords(testDb.config);
    expect(records.map((record) => record.migration_name)).toEqual(names);
    for (const [index, record] of records.entries()) {
      const file = files[index]!;
      expect(record.checksum).toBe(migrationChecksum(readFileSync(join(resolveMigrationsDir(provider), file.name, "migration.sql"))));
      expect(record.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number(record.applied_steps_count)).toBe(1);
      expect(record.logs).toBeNull();
      expect(record.rolled_back_at).toBeNull();
      // SQLite: epoch milliseconds like Prisma's native engine; PostgreSQL: timestamptz (Date).
      const started = record.started_at instanceof Date ? record.started_at.getTime() : Number(record.started_at);
      const finished = record.finished_at instanceof Date ? record.finished_at.getTime() : Number(record.finished_at);
      expect(started).toBeGreaterThanOrEqual(before - 1000);
      expect(finished).toBeGreaterThanOrEqual(started);
    }
  });

  it("refuses a migration file that was edited after it was applied", async () => {
    const copy = copyMigrations(provider);
    try {
      await applyMigrations(testDb.config, { migrationsDir: copy.dir });
      appendFileSync(join(copy.dir, names[0]!, "migration.sql"), "\n-- edited later\n");
      await expect(applyMigrations(testDb.config, { migrationsDir: copy.dir })).rejects.toThrow(
        new RegExp(`migration ${names[0]} was modified after it was applied`),
      );
    } finally {
      copy.remove();
    }
  });

  it("accepts a file whose only change is CRLF line endings", async () => {
    const copy = copyMigrations(provider);
    try {
      await applyMigrations(testDb.config, { migrationsDir: copy.dir });
      const file = join(copy.dir, names[0]!, "migration.sql");
      writeFileSync(file, readFileSync(file, "utf8").replace(/\n/g, "\r\n"));
      expect(await applyMigrations(testDb.config, { migrationsDir: copy.dir })).toEqual({ applied: [], alreadyApplied: names });
    } finally {
      copy.remove();
    }
  });

  it("refuses to run while a failed migration is recorded", async () => {
    await applyMigrations(testDb.config);
    const startedAt = provider === "sqlite" ? String(Date.now()) : "now()";
    await execSql(
      testDb.config,
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "logs", "applied_steps_count")
       VALUES ('00000000-0000-4000-8000-000000000000', '${"0".repeat(64)}', '29990101000000_half_done', ${startedAt}, 'boom', 0)`,
    );
    await expect(applyMigrations(testDb.config)).rejects.toThrow(/29990101000000_half_done is recorded as failed.*boom/);
  });

  it("rolls back a failing migration completely and does not record it", async () => {
    const copy = copyMigrations(provider);
    try {
      await applyMigrations(testDb.config, { migrationsDir: copy.dir });
      const broken = "29991231000000_broken";
      mkdirSync(join(copy.dir, broken));
      writeFileSync(join(copy.dir, broken, "migration.sql"), `CREATE TABLE "Half" ("id" INTEGER);\nINSERT INTO "NoSuchTable" VALUES (1);\n`);
      await expect(applyMigrations(testDb.config, { migrationsDir: copy.dir })).rejects.toThrow(
        /migration 29991231000000_broken failed and was rolled back: .*NoSuchTable/,
      );
      expect(await tableExists(testDb.config, "Half")).toBe(false);
      expect((await readMigrationRecords(testDb.config)).map((record) => record.migration_name)).toEqual(names);
      // Fixed file: the next start applies it.
      writeFileSync(join(copy.dir, broken, "migration.sql"), `CREATE TABLE "Half" ("id" INTEGER);\n`);
      expect((await applyMigrations(testDb.config, { migrationsDir: copy.dir })).applied).toEqual([broken]);
    } finally {
      copy.remove();
    }
  });

  it("task_logs moves the logs kept on attempts into TaskLog, one row per entry, and counts their bytes", async () => {
    const taskLogs = names.find((name) => name.endsWith("_task_logs"))!;
    const copy = copyMigrations(provider);
    const held = mkdtempSync(join(tmpdir(), "flowdeck-held-"));
    try {
      // The database as it was before: every migration up to task_logs, and attempts with logs.
      for (const name of names.slice(names.indexOf(taskLogs))) cpSync(join(copy.dir, name), join(held, name), { recursive: true });
      for (const name of names.slice(names.indexOf(taskLogs))) rmSync(join(copy.dir, name), { recursive: true });
      await applyMigrations(testDb.config, { migrationsDir: copy.dir });
      await testDb.db.workflowDefinition.create({ data: { id: "d@1", name: "d", version: 1, definition: "{}", checksum: "c".repeat(64), taskCount: 1 } });
      await testDb.db.execution.create({ data: { id: "e1", definitionId: "d@1", workflowName: "d", workflowVersion: 1, status: "COMPLETED" } });
      const ended = provider === "sqlite" ? "'2026-12-01T10:00:00.000Z'" : "'2026-12-01 10:00:00'";
      const shell = JSON.stringify([{ stream: "stdout", text: "built ✓\n" }, { stream: "stderr", text: "warn" }]).replaceAll("'", "''");
      const worker = JSON.stringify([{ time: "2026-12-01T09:59:00.000Z", level: "error", message: "boom" }, "plain"]).replaceAll("'", "''");
      await execSql(
        testDb.config,
        `INSERT INTO "TaskRun" ("id", "executionId", "taskKey", "taskType", "status", "logs", "workerTaskType", "endedAt", "updatedAt") VALUES
           ('r-shell', 'e1', 'build', 'shell', 'COMPLETED', '${shell}', NULL, ${ended}, ${ended}),
           ('r-worker', 'e1', 'work', 'worker', 'FAILED', '${worker}', 'send', ${ended}, ${ended}),
           ('r-none', 'e1', 'noop', 'transform', 'COMPLETED', NULL, NULL, ${ended}, ${ended});`,
      );
      for (const name of names.slice(names.indexOf(taskLogs))) cpSync(join(held, name), join(copy.dir, name), { recursive: true });
      expect((await applyMigrations(testDb.config, { migrationsDir: copy.dir })).applied[0]).toBe(taskLogs);

      const lines = await testDb.db.taskLog.findMany({ orderBy: { id: "asc" } });
      expect(lines.map((l) => [l.taskRunId, l.taskKey, l.attempt, l.stream, l.level, l.message])).toEqual([
        ["r-shell", "build", 1, "stdout", "info", "built ✓\n"],
        ["r-shell", "build", 1, "stderr", "info", "warn"],
        ["r-worker", "work", 1, "worker", "error", "boom"],
        ["r-worker", "work", 1, "worker", "info", "plain"],
      ]);
      expect(lines.every((l) => l.time.toISOString() === "2026-12-01T10:00:00.000Z")).toBe(true);
      const runs = await testDb.db.taskRun.findMany({ orderBy: { id: "asc" }, select: { id: true, logBytes: true } });
      expect(runs).toEqual([
        { id: "r-none", logBytes: 0 },
        { id: "r-shell", logBytes: Buffer.byteLength("built ✓\nwarn") },
        { id: "r-worker", logBytes: Buffer.byteLength("boomplain") },
      ]);
    } finally {
      copy.remove();
      rmSync(held, { recursive: true, force: true });
    }
  });

  it("applies each migration once when several processes start together", async () => {
    if (provider === "postgresql") {
      // Separate pg connections in one process are as concurrent as separate processes.
      const results = await Promise.all([1, 2, 3].map(() => applyMigrations(testDb.config)));
      expect(results.flatMap((result) => result.applied).sort()).toEqual(names);
      for (const result of results) expect([...result.applied, ...result.alreadyApplied].sort()).toEqual(names);
    } else {
      // better-sqlite3 is synchronous: real contention needs real processes.
      const script = join(process.cwd(), "scripts/db/migrate.ts");
      const env = { ...process.env, DATABASE_URL: `file:${testDb.config.provider === "sqlite" ? testDb.config.filePath : ""}` };
      const outputs = await Promise.all(
        [1, 2, 3].map(() => run(process.execPath, ["--import", "tsx", script], { env, cwd: process.cwd() })),
      );
      const appliedLines = outputs.map((output) => /applied: (.*);/.exec(output.stdout)?.[1]);
      expect(appliedLines.filter((line) => line !== "(none)")).toHaveLength(1);
    }
    const records = await readMigrationRecords(testDb.config);
    expect(records.map((record) => record.migration_name)).toEqual(names);
  }, 60_000);
});

describe.each(TEST_PROVIDERS)("Db client on %s", (provider) => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await testDb.cleanup();
  });

  async function createDefinition(name: string, version = 1) {
    return testDb.db.workflowDefinition.create({
      data: {
        id: `${name}@${version}`,
        name,
        version,
        definition: `{"name":"${name}"}`,
        checksum: "c".repeat(64),
        taskCount: 1,
      },
    });
  }

  async function createExecution(executionId: string, definitionId: string, parentExecutionId?: string) {
    return testDb.db.execution.create({
      data: { id: executionId, definitionId, workflowName: "wf", workflowVersion: 1, status: "QUEUED", parentExecutionId },
    });
  }

  it("creates, reads, updates and deletes workflow definitions", async () => {
    const created = await createDefinition("crud");
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(created.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    const found = await testDb.db.workflowDefinition.findUnique({ where: { name_version: { name: "crud", version: 1 } } });
    expect(found?.definition).toBe('{"name":"crud"}');
    await testDb.db.workflowDefinition.update({ where: { id: created.id }, data: { description: "changed" } });
    expect((await testDb.db.workflowDefinition.findUniqueOrThrow({ where: { id: created.id } })).description).toBe("changed");
    await testDb.db.workflowDefinition.delete({ where: { id: created.id } });
    expect(await testDb.db.workflowDefinition.count({ where: { name: "crud" } })).toBe(0);
  });

  it("reports a duplicate (name, version) as Prisma error P2002", async () => {
    await createDefinition("dup");
    const error: unknown = await testDb.db.workflowDefinition
      .create({ data: { id: "other-id", name: "dup", version: 1, definition: "{}", checksum: "x", taskCount: 0 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
    expect(isPrismaError(error, PRISMA_ERROR.uniqueViolation)).toBe(true);
  });

  it("stores executions with parent/child links and task runs, and cascades deletes", async () => {
    const definition = await createDefinition("exec");
    const parent = await createExecution("exec-parent", definition.id);
    await createExecution("exec-child", definition.id, parent.id);
    const nextRunAt = new Date("2030-01-02T03:04:05.678Z");
    await testDb.db.taskRun.create({
      data: { id: "run-1", executionId: parent.id, taskKey: "build", taskType: "http", status: "SCHEDULED", nextRunAt },
    });
    const loaded = await testDb.db.execution.findUniqueOrThrow({
      where: { id: parent.id },
      include: { children: true, taskRuns: true, definition: true },
    });
    expect(loaded.children.map((child) => child.id)).toEqual(["exec-child"]);
    expect(loaded.taskRuns[0]).toMatchObject({ taskKey: "build", mapIndex: -1, attempt: 1, nextRunAt });
    expect(loaded.definition.name).toBe("exec");
    expect(loaded.version).toBe(0);

    const updated = await testDb.db.execution.update({
      where: { id: parent.id, version: 0 },
      data: { status: "RUNNING", version: { increment: 1 } },
    });
    expect(updated.version).toBe(1);
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(loaded.updatedAt.getTime());

    // A task run's (executionId, taskKey, mapIndex, attempt) is unique.
    const duplicate: unknown = await testDb.db.taskRun
      .create({ data: { id: "run-2", executionId: parent.id, taskKey: "build", taskType: "http", status: "PENDING" } })
      .catch((e: unknown) => e);
    expect((duplicate as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");

    // Foreign keys are enforced (SQLite needs foreign_keys=ON for this) …
    const orphan: unknown = await testDb.db.taskRun
      .create({ data: { id: "run-3", executionId: "no-such-execution", taskKey: "x", taskType: "http", status: "PENDING" } })
      .catch((e: unknown) => e);
    expect((orphan as Prisma.PrismaClientKnownRequestError).code).toBe("P2003");
    // … and deleting an execution removes its task runs and events.
    await testDb.db.executionEvent.create({ data: { executionId: "exec-child", type: "EXECUTION_CREATED" } });
    await testDb.db.execution.delete({ where: { id: "exec-child" } });
    expect(await testDb.db.executionEvent.count({ where: { executionId: "exec-child" } })).toBe(0);
    await testDb.db.execution.delete({ where: { id: parent.id } });
    expect(await testDb.db.taskRun.count({ where: { executionId: parent.id } })).toBe(0);
  });

  it("gives execution events strictly increasing bigint ids, never reused", async () => {
    const definition = await createDefinition("events");
    const execution = await createExecution("exec-events", definition.id);
    const ids: bigint[] = [];
    for (const type of ["EXECUTION_STARTED", "TASK_SCHEDULED", "TASK_COMPLETED"]) {
      const event = await testDb.db.executionEvent.create({ data: { executionId: execution.id, type, payload: "{}" } });
      expect(typeof event.id).toBe("bigint");
      ids.push(event.id);
    }
    // Delete the newest event: AUTOINCREMENT (SQLite) / a sequence (PostgreSQL) never hands its id out again.
    await testDb.db.executionEvent.delete({ where: { id: ids[2]! } });
    ids.push((await testDb.db.executionEvent.create({ data: { executionId: execution.id, type: "AFTER_DELETE" } })).id);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);

    const page = await testDb.db.executionEvent.findMany({
      where: { executionId: execution.id, id: { gt: ids[0]! } },
      orderBy: { id: "asc" },
    });
    expect(page.map((event) => event.id)).toEqual([ids[1], ids[3]]);
  });

  it("compares DateTime columns correctly in raw SQL with Date parameters", async () => {
    const definition = await createDefinition("times");
    const execution = await createExecution("exec-times", definition.id);
    const base = Date.parse("2030-06-01T12:00:00.000Z");
    for (const [index, offsetMs] of [-1500, -1, 0, 1, 86_400_000].entries()) {
      await testDb.db.taskRun.create({
        data: {
          id: `due-${index}`,
          executionId: execution.id,
          taskKey: `t${index}`,
          taskType: "wait",
          status: "SCHEDULED",
          nextRunAt: new Date(base + offsetMs),
        },
      });
    }
    const now = new Date(base);
    const due = await testDb.db.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "TaskRun" WHERE "status" = 'SCHEDULED' AND "nextRunAt" <= ${now} ORDER BY "nextRunAt"`;
    expect(due.map((row) => row.id)).toEqual(["due-0", "due-1", "due-2"]);
  });

  if (provider === "sqlite") {
    it("runs SQLite with WAL, synchronous=NORMAL, a busy timeout and foreign keys on", async () => {
      const pragma = async (name: string) => {
        const rows = await testDb.db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
        return String(Object.values(rows[0] ?? {})[0]);
      };
      expect(await pragma("journal_mode")).toBe("wal");
      expect(await pragma("synchronous")).toBe("1"); // NORMAL
      expect(Number(await pragma("busy_timeout"))).toBeGreaterThanOrEqual(5000);
      expect(await pragma("foreign_keys")).toBe("1");
    });

    it("runs SQLite with synchronous=FULL when FLOWDECK_SQLITE_SYNCHRONOUS=full, and refuses a value it does not know", async () => {
      const saved = process.env.FLOWDECK_SQLITE_SYNCHRONOUS;
      process.env.FLOWDECK_SQLITE_SYNCHRONOUS = "full";
      let full: TestDatabase | undefined;
      try {
        // The setting is read when the client opens its connection (at its first query).
        full = await createTestDatabase("sqlite");
        const rows = await full.db.$queryRawUnsafe<Record<string, unknown>[]>("PRAGMA synchronous");
        expect(String(Object.values(rows[0] ?? {})[0])).toBe("2"); // FULL
      } finally {
        if (saved === undefined) delete process.env.FLOWDECK_SQLITE_SYNCHRONOUS;
        else process.env.FLOWDECK_SQLITE_SYNCHRONOUS = saved;
        await full?.cleanup();
      }
      expect(() => sqliteSynchronous({ FLOWDECK_SQLITE_SYNCHRONOUS: "extra" })).toThrow(/FLOWDECK_SQLITE_SYNCHRONOUS must be 'normal' or 'full', not 'extra'/);
      expect(sqliteSynchronous({})).toBe("NORMAL");
      expect(sqliteSynchronous({ FLOWDECK_SQLITE_SYNCHRONOUS: "FULL" })).toBe("FULL");
    });

    it("stores DateTime as ISO-8601 UTC text with milliseconds, defaults included", async () => {
      const definition = await createDefinition("iso");
      await createExecution("exec-iso", definition.id);
      const rows = await testDb.db.$queryRaw<{ createdAt: string; kind: string; updatedAt: string }[]>`
        SELECT CAST("createdAt" AS TEXT) AS "createdAt", typeof("createdAt") AS "kind", CAST("updatedAt" AS TEXT) AS "updatedAt"
        FROM "Execution" WHERE "id" = 'exec-iso'`;
      expect(rows[0]?.kind).toBe("text");
      expect(rows[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(rows[0]?.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    });
  }
});
