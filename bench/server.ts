// The production server for a browser benchmark: `scripts/start.mjs` on 127.0.0.1:PORT with a
// fresh SQLite database in .tmp/, the bench's admin token (bench/auth.ts), stopped and its data
// removed when the process exits.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { benchAuthEnv, signIn } from "./auth";

export async function startBenchServer(port: number, name: string): Promise<{ base: string; stop: () => void; pid: number }> {
  const base = `http://127.0.0.1:${port}`;
  const dataDir = join(process.cwd(), ".tmp", `bench-${name}-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  const server = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", FLOWDECK_DATA_DIR: dataDir, DATABASE_URL: "", ...benchAuthEnv },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = () => {
    server.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.on("exit", stop);
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { base, stop, pid: server.pid! };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the bench server on ${base} did not start`);
}

/** Debian's (or FLOWDECK_CHROMIUM's) Chromium, headless, with one 1440×900 page signed in as the bench admin. */
export async function signedInBrowser(base: string): Promise<{ browser: Browser; page: Page }> {
  const executablePath = process.env.FLOWDECK_CHROMIUM ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, base);
  return { browser, page };
}
