import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";
import { listMigrations } from "@/lib/db/migrate";
import packageJson from "@/package.json";
import { embeddedEngineState, type EmbeddedEngineState } from "@/lib/server/engine";

export type HealthReport = {
  status: "ok";
  version: string;
  database: { provider: string; url: string };
  migrations: { applied: string[]; pending: string[] };
  engine: EmbeddedEngineState;
};

export async function getHealth(): Promise<HealthReport> {
  const config = resolveDatabaseConfig();
  const migrations = await listMigrations(config);
  return {
    status: "ok",
    version: packageJson.version,
    database: { provider: config.provider, url: describeDatabase(config) },
    migrations: { applied: migrations.applied, pending: migrations.pending },
    engine: await embeddedEngineState(),
  };
}
