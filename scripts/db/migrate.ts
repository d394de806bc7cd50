// npx tsx scripts/db/migrate.ts [--status]
// Applies pending migrations to the database of DATABASE_URL (default: the embedded SQLite file),
// exactly as the app does at start-up; --status only lists applied and pending migrations.
import { describeDatabase, resolveDatabaseConfig } from "../../lib/db/config";
import { applyMigrations, listMigrations } from "../../lib/db/migrate";

async function main(): Promise<void> {
  const config = resolveDatabaseConfig();
  console.log(describeDatabase(config));
  if (process.argv.includes("--status")) {
    const status = await listMigrations(config);
    console.log(`applied: ${status.applied.join(", ") || "(none)"}\npending: ${status.pending.join(", ") || "(none)"}`);
    return;
  }
  const result = await applyMigrations(config);
  console.log(`applied: ${result.applied.join(", ") || "(none)"}; already applied: ${result.alreadyApplied.length}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
