// `npm start`: the production app on http://localhost:$PORT (default 3000).
// Builds first when there is no build or the sources changed since the last one, so that
// `npm install && npm start` works on a fresh clone and never serves stale code.
// Migrations and the example workflows are applied by the server itself at start-up
// (instrumentation.ts → lib/server/bootstrap.ts).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const nextBin = require.resolve("next/dist/bin/next");
const distDir = join(root, process.env.FLOWDECK_NEXT_DIST_DIR || ".next");
const FINGERPRINT_FILE = join(distDir, "flowdeck-source-fingerprint");
const SOURCES = ["app", "components", "lib", "examples", "public", "instrumentation.ts", "proxy.ts", "next.config.js", "postcss.config.mjs", "tsconfig.json", "package-lock.json", "prisma/models.prisma"];
const SKIP = new Set(["node_modules", "generated", ".next", ".next-e2e", ".next-bench"]);

function* files(path) {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isFile()) {
    yield [path, stat];
    return;
  }
  for (const entry of readdirSync(path).sort()) {
    if (SKIP.has(entry) || entry.endsWith(".test.ts") || entry.endsWith(".test.tsx")) continue;
    yield* files(join(path, entry));
  }
}

/** Path, size and mtime of every source file: cheap, and changes whenever a source changes. */
export function sourceFingerprint() {
  const hash = createHash("sha256");
  for (const source of SOURCES) {
    for (const [path, stat] of files(join(root, source))) hash.update(`${relative(root, path)}:${stat.size}:${stat.mtimeMs}\n`);
  }
  return hash.digest("hex");
}

export function ensureBuilt({ log = console.log } = {}) {
  if (!existsSync(join(root, "lib/db/generated/sqlite/client.ts"))) {
    run(process.execPath, [join(root, "scripts/prisma-generate.mjs")]);
  }
  const fingerprint = sourceFingerprint();
  const built = existsSync(join(distDir, "BUILD_ID")) && existsSync(FINGERPRINT_FILE) && readFileSync(FINGERPRINT_FILE, "utf8") === fingerprint;
  if (built) return;
  log("[flowdeck] building the production app (sources changed or no build yet)…");
  run(process.execPath, [nextBin, "build"]);
  writeFileSync(FINGERPRINT_FILE, fingerprint);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) {
    console.error(`[flowdeck] '${args.join(" ")}' failed`);
    process.exit(result.status ?? 1);
  }
}

/** Runs `next start` in the foreground and forwards signals, so Ctrl+C and SIGTERM stop it cleanly. */
export function startServer({ port = process.env.PORT ?? "3000", host = process.env.HOST, env = process.env } = {}) {
  // Idle keep-alive connections stay open 65 s (Node's default is 5 s): a client that reuses a
  // connection it kept for a few seconds (Playwright's request context, a proxy's pool) otherwise
  // races the server closing it and gets ECONNRESET. Above the usual 60 s of proxies' idle timeouts.
  const args = [nextBin, "start", "-p", String(port), "--keepAliveTimeout", "65000"];
  if (host) args.push("-H", host);
  // NEXT_MANUAL_SIG_HANDLE: Next.js leaves SIGTERM / SIGINT to the app, whose handler
  // (lib/server/shutdown.ts) stops the engine within FLOWDECK_SHUTDOWN_GRACE_MS, then exits.
  const child = spawn(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" } });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureBuilt();
  startServer();
}
