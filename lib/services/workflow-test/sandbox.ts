// The throwaway database of one test run: a SQLite file copied from a template that has every
// migration applied (built once per process), deleted when the run ends (README.md here).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPrismaClient, type Db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { leaveOutOfMetrics } from "@/lib/runtime/writes/transaction";

export type Sandbox = { db: Db; close(): Promise<void> };

const globalForTemplate = globalThis as typeof globalThis & { __flowdeckTestTemplate?: Promise<string> };

/** The migrated template file (one per process, removed when the process exits). */
function templateFile(): Promise<string> {
  globalForTemplate.__flowdeckTestTemplate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowdeck-test-template-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const filePath = join(dir, "template.db");
    await applyMigrations({ provider: "sqlite", filePath });
    return filePath;
  })().catch((error: unknown) => {
    globalForTemplate.__flowdeckTestTemplate = undefined;
    throw error;
  });
  return globalForTemplate.__flowdeckTestTemplate;
}

export async function openSandbox(): Promise<Sandbox> {
  const template = await templateFile();
  const dir = mkdtempSync(join(tmpdir(), "flowdeck-test-run-"));
  const filePath = join(dir, "run.db");
  copyFileSync(template, filePath);
  if (existsSync(`${template}-wal`)) copyFileSync(`${template}-wal`, `${filePath}-wal`);
  const db = createPrismaClient({ provider: "sqlite", filePath });
  leaveOutOfMetrics(db);
  return {
    db,
    async close() {
      await db.$disconnect().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
