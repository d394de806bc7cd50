import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";
import { listMigrations } from "@/lib/db/migrate";
import packageJson from "@/package.json";

export type HealthReport = {
  status: "ok";
  version: string;
  database: { provider: string; url: string };
  migrations: { applied: string[]; pending: string[] };
  engine: { state: "absent"; detail: string };
};

export async function getHealth(): Promise<HealthReport> {
  const config = resolveDatabaseConfig();
  const migrations = await listMigrations(config);
  return {
    status: "ok",
    version: packageJson.version,
    database: { provider: config.provider, url: describeDatabase(config) },
    migrations: { applied: migrations.applied, pending: migrations.pending },
    // The execution engine is not part of this build yet; health says so rather than pretending.
    engine: { state: "absent", detail: "the execution engine is not implemented yet" },
  };
}
