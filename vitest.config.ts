import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: ["lib/**/*.test.ts", "cli/**/*.test.ts", "tests/**/*.test.ts", "components/**/*.test.ts", "components/**/*.test.tsx"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests create their own databases; files run in parallel workers.
    pool: "forks",
    // The data directory of processes tests start in-process (the secrets key file lives there),
    // so tests never write into the checkout's ./data.
    env: { FLOWDECK_DATA_DIR: fileURLToPath(new URL("./.tmp/vitest-data", import.meta.url)) },
  },
});
