import { createTestDatabase, type TestDatabase } from "./db";
import { Engine, type EngineOptions } from "@/lib/runtime/engine";
import { saveWorkflow } from "@/lib/services/workflows";
import { seedExampleWorkflows } from "@/lib/services/seed";

export type EngineHarness = TestDatabase & { engine: Engine; save: (definition: unknown) => Promise<void> };

/** A fresh database (both providers) with the examples seeded and a running engine. */
export async function createEngineHarness(provider: "sqlite" | "postgresql", options: EngineOptions = {}): Promise<EngineHarness> {
  const database = await createTestDatabase(provider);
  await seedExampleWorkflows(database.db);
  const engine = new Engine(database.db, provider, { pollIntervalMs: 25, timerIntervalMs: 20, ...options });
  engine.start();
  return {
    ...database,
    engine,
    save: async (definition) => void (await saveWorkflow(database.db, definition, "test")),
    cleanup: async () => {
      await engine.stop();
      await database.cleanup();
    },
  };
}
