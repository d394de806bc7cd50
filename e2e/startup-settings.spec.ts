// A setting with a wrong value stops the production server at start, exit code 1, naming every
// wrong variable — instead of a server that answers 500 to every request (lib/settings.ts).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, test } from "./fixtures";

const require = createRequire(import.meta.url);

test("next start with FLOWDECK_SQLITE_SYNCHRONOUS=bogus and FLOWDECK_ENGINE_CONCURRENCY=many exits 1 and names both", async () => {
  const dataDir = mkdtempSync(join(process.cwd(), ".tmp", "e2e-bad-settings-"));
  try {
    const child = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "-p", "3199", "-H", "127.0.0.1"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", FLOWDECK_DATA_DIR: dataDir, FLOWDECK_SQLITE_SYNCHRONOUS: "bogus", FLOWDECK_ENGINE_CONCURRENCY: "many" } as unknown as NodeJS.ProcessEnv,
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(null);
      }, 60_000);
      child.on("close", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code, stderr).toBe(1);
    expect(stderr).toContain("[flowdeck] cannot start: FLOWDECK_SQLITE_SYNCHRONOUS must be 'normal' or 'full', not 'bogus'");
    expect(stderr).toContain("FLOWDECK_ENGINE_CONCURRENCY must be a whole number ≥ 1, not 'many'");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
