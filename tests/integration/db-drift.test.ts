// Keeps the committed migrations and prisma/models.prisma in step, for both providers, using Prisma's
// own schema engine (wasm build, scripts/db/schema-engine.ts):
// - the database our runner produces from the migrations has exactly the schema of the model;
// - replaying the migration folder gives the model too (what `npm run db:migrate:dev` starts from);
// - Prisma reads our `_prisma_migrations` bookkeeping as its own (what `prisma migrate status` does).
// When this fails after a model change: `npm run db:migrate:dev -- --name <what_changed>`.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, readMigrationFiles, resolveMigrationsDir } from "@/lib/db/migrate";
import {
  composeProviderSchemas,
  databaseTarget,
  diff,
  migrationSchemaFor,
  migrationsTarget,
  openSchemaEngine,
  readMigrationList,
  readMigrationSchema,
  schemaTarget,
  type EngineTarget,
  type SchemaEngineSession,
} from "../../scripts/db/schema-engine";
import { createTestDatabase, TEST_PROVIDERS, testPostgresBaseUrl, type TestDatabase } from "../helpers/db";

const HOW_TO_FIX = "The migrations do not match prisma/models.prisma. Create a migration: npm run db:migrate:dev -- --name <what_changed>";

describe.each(TEST_PROVIDERS)("schema drift on %s", (provider) => {
  let testDb: TestDatabase;
  let session: SchemaEngineSession;
  let schema: { path: string; content: string };

  beforeAll(async () => {
    const schemaPaths = await composeProviderSchemas();
    schema = readMigrationSchema(provider, schemaPaths[provider]);
    testDb = await createTestDatabase(provider, { migrate: false });
    await applyMigrations(testDb.config);
    const target: EngineTarget =
      testDb.config.provider === "sqlite"
        ? { provider: "sqlite", filePath: testDb.config.filePath }
        : { provider: "postgresql", url: testDb.config.url, adminUrl: testPostgresBaseUrl() };
    session = await openSchemaEngine(target, schema);
  });

  afterAll(async () => {
    await session?.close();
    await testDb?.cleanup();
  });

  it("a database migrated by lib/db/migrate.ts has exactly the model's schema", async () => {
    const result = await diff(session, databaseTarget(schema), schemaTarget(schema));
    expect(result.empty, `${HOW_TO_FIX}\n${result.summary}\n${result.script}`).toBe(true);
  });

  it("the migration history replays to the model's schema", async () => {
    const result = await diff(session, await migrationsTarget(provider, resolveMigrationsDir(provider)), schemaTarget(schema));
    expect(result.empty, `${HOW_TO_FIX}\n${result.summary}\n${result.script}`).toBe(true);
  });

  it("Prisma's migrate status sees our _prisma_migrations rows as a clean, complete history", async () => {
    const diagnosis = await session.engine.diagnoseMigrationHistory({
      migrationsList: await readMigrationList(resolveMigrationsDir(provider), provider),
      optInToShadowDatabase: false,
      filters: { externalTables: [], externalEnums: [] },
    });
    expect(diagnosis).toMatchObject({ editedMigrationNames: [], failedMigrationNames: [], hasMigrationsTable: true, history: null });
  });
});

describe("the schema the engine sees", () => {
  it("differs from the composed schema only in BigInt autoincrement ids on SQLite", async () => {
    const schemaPaths = await composeProviderSchemas();
    const composed = readFileSync(schemaPaths.sqlite, "utf8");
    const changed = composed.split("\n").filter((line, index) => line !== migrationSchemaFor("sqlite", composed).split("\n")[index]);
    // ExecutionEvent.id and TaskLog.id.
    expect(changed.map((line) => line.trim())).toEqual(["id          BigInt   @id @default(autoincrement())", "id          BigInt   @id @default(autoincrement())"]);
    const postgres = readFileSync(schemaPaths.postgresql, "utf8");
    expect(migrationSchemaFor("postgresql", postgres)).toBe(postgres);
  });

  it("the SQLite migrations declare that id as a rowid alias, so it auto-increments", () => {
    const sql = readMigrationFiles(resolveMigrationsDir("sqlite")).map((file) => file.sql);
    expect(sql.some((script) => script.includes('"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT'))).toBe(true);
    expect(sql.some((script) => script.includes('"id" BIGINT NOT NULL PRIMARY KEY'))).toBe(false);
  });
});
