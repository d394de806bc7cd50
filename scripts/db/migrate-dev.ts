// npm run db:migrate:dev -- --name <name> [--provider sqlite|postgresql] [--create-only-if-changed]
//
// Writes a new migration for each provider whose migrations no longer produce the schema composed
// from prisma/models.prisma — the part of `prisma migrate dev` that creates migration.sql, done with
// the wasm schema engine because the native one cannot be downloaded here. It does not touch any
// database of yours: the migration history is replayed on a throw-away shadow database (in-memory
// SQLite; a scratch database on the PostgreSQL server of FLOWDECK_DEV_POSTGRES_URL).
// The app applies new migrations at start-up (lib/db/migrate.ts); `npx tsx scripts/db/migrate.ts`
// applies them by hand.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import {
  composeProviderSchemas,
  diff,
  migrationLockToml,
  migrationsTarget,
  openSchemaEngine,
  readMigrationSchema,
  schemaTarget,
  type EngineTarget,
  type Provider,
} from "./schema-engine";

const PROVIDERS: Provider[] = ["sqlite", "postgresql"];
const DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
const root = process.cwd();

/** Prisma's folder name: UTC timestamp + the name with anything but [A-Za-z0-9_] replaced by "_". */
function migrationFolderName(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const slug = name.trim().replace(/[^A-Za-z0-9_]+/g, "_").slice(0, 200);
  return `${stamp}_${slug}`;
}

function engineTarget(provider: Provider): EngineTarget {
  if (provider === "sqlite") return { provider, filePath: ":memory:" };
  const url = process.env.FLOWDECK_DEV_POSTGRES_URL ?? process.env.FLOWDECK_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
  return { provider, url };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { name: { type: "string" }, provider: { type: "string", multiple: true } },
  });
  if (!values.name) {
    console.error("usage: npm run db:migrate:dev -- --name <migration_name> [--provider sqlite|postgresql]");
    process.exit(2);
  }
  const providers = (values.provider ?? PROVIDERS) as Provider[];
  for (const provider of providers) {
    if (!PROVIDERS.includes(provider)) throw new Error(`unknown provider ${provider}; expected ${PROVIDERS.join(" or ")}`);
  }

  const schemaPaths = await composeProviderSchemas();
  const folderName = migrationFolderName(values.name);
  let written = 0;
  for (const provider of providers) {
    const migrationsDir = join(root, "prisma", provider, "migrations");
    const schema = readMigrationSchema(provider, schemaPaths[provider]);
    const session = await openSchemaEngine(engineTarget(provider), schema);
    try {
      const result = await diff(session, await migrationsTarget(provider, migrationsDir), schemaTarget(schema));
      if (result.empty) {
        console.log(`${provider}: no changes, no migration written`);
        continue;
      }
      const folder = join(migrationsDir, folderName);
      if (existsSync(folder)) throw new Error(`${relative(root, folder)} already exists`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, "migration.sql"), result.script.endsWith("\n") ? result.script : `${result.script}\n`);
      const lockFile = join(migrationsDir, "migration_lock.toml");
      if (!existsSync(lockFile)) writeFileSync(lockFile, migrationLockToml(provider));
      console.log(`${provider}: wrote ${relative(root, folder)}/migration.sql\n${indent(result.summary)}`);
      written++;
    } finally {
      await session.close();
    }
  }
  if (written === 0) console.log("The migrations already match prisma/models.prisma.");
}

function indent(text: string): string {
  return text
    .trim()
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
