import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";
import SlowFirstSequencer from "./tests/helpers/slow-first-sequencer";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: ["lib/**/*.test.ts", "cli/**/*.test.ts", "tests/**/*.test.ts", "components/**/*.test.ts", "components/**/*.test.tsx"],
    environment: "node",
    globalSetup: ["tests/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests create their own databases; files run in parallel workers.
    pool: "forks",
    // Vitest's default in a run is one worker fewer than the cores: on a 2-core machine that is a
    // single worker, and the whole suite ran file after file. Most files wait on databases, child
    // processes and timers: three workers keep both cores busy (two left one idle a third of the
    // run; one full run went 6.6 → 4.9 min, its timed checks such as health p99 under load passing).
    maxWorkers: Number(process.env.FLOWDECK_TEST_WORKERS ?? 3),
    // The slowest files first, so the run does not end waiting on one of them (tests/helpers/slow-first-sequencer.ts).
    sequence: { sequencer: SlowFirstSequencer },
    // The data directory of processes tests start in-process (the secrets key file lives there),
    // so tests never write into the checkout's ./data.
    env: { FLOWDECK_DATA_DIR: fileURLToPath(new URL("./.tmp/vitest-data", import.meta.url)) },
  },
});
