import { resolveDatabaseConfig, describeDatabase } from "@/lib/db/config";
import { applyMigrations } from "@/lib/db/migrate";
import { getDb } from "@/lib/db/client";
import { seedExampleWorkflows } from "@/lib/services/seed";
import { ensureEnvAdmin } from "@/lib/auth/users";
import { startEmbeddedEngine } from "@/lib/server/engine";
import { engineMode } from "@/lib/server/engine-options";
import { startPgNotify } from "@/lib/runtime/pg-notify";
import { installShutdownHandlers, registerShutdownCloser } from "@/lib/server/shutdown";
import { prepareSecretsKey } from "@/lib/secrets/startup";
import { checkSettings } from "@/lib/server/settings-check";

type Readiness = Promise<void>;
const globalForBootstrap = globalThis as unknown as { flowdeckReady?: Readiness };

/**
 * Makes the process ready to serve: applies pending migrations, seeds the example workflows
 * (idempotent) and starts the embedded engine unless FLOWDECK_ENGINE=off. A setting with a wrong
 * value (SettingError) stops the server at start (instrumentation.ts). Runs once per process — from instrumentation's register() at server start and,
 * as a guard, before the first API call or page render. A failure is not cached: the next call
 * tries again, so a database that comes up late does not need a restart.
 */
export function ensureReady(): Readiness {
  if (!globalForBootstrap.flowdeckReady) {
    globalForBootstrap.flowdeckReady = bootstrap().catch((error: unknown) => {
      globalForBootstrap.flowdeckReady = undefined;
      throw error;
    });
  }
  return globalForBootstrap.flowdeckReady;
}

async function bootstrap(): Promise<void> {
  checkSettings();
  const config = resolveDatabaseConfig();
  const migrations = await applyMigrations(config);
  if (migrations.applied.length > 0) {
    console.log(`[flowdeck] ${describeDatabase(config)}: applied migrations ${migrations.applied.join(", ")}`);
  }
  // The secrets key file is created on the first start (unless FLOWDECK_SECRETS_KEY is set).
  await prepareSecretsKey(getDb(), "server", config.provider);
  const envAdmin = await ensureEnvAdmin(getDb());
  if (envAdmin) console.log(`[flowdeck] created the admin ${envAdmin} (FLOWDECK_ADMIN_EMAIL)`);
  const seeded = await seedExampleWorkflows(getDb());
  if (seeded.length > 0) console.log(`[flowdeck] seeded example workflows: ${seeded.join(", ")}`);
  // On PostgreSQL, LISTEN/NOTIFY carries wake-ups between processes (engines, web servers).
  if (config.provider === "postgresql") registerShutdownCloser(await startPgNotify(config.url));
  if (engineMode() === "embedded") startEmbeddedEngine();
  // SIGTERM / SIGINT: graceful shutdown (long polls answer at once, the engine stops within the grace).
  installShutdownHandlers("flowdeck");
}
