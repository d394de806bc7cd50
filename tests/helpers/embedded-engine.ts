// A web server's process without Next.js: runs what instrumentation.ts runs inside `next start`
// (lib/server/bootstrap.ts ensureReady: migrations, seed, LISTEN/NOTIFY, the embedded engine and
// its SIGTERM / SIGINT handlers), plus one worker long poll, so tests can check the embedded
// engine's graceful shutdown without a production build. Prints "[embedded] ready" when running
// and "[embedded] long poll ended after <ms> ms with <n> tasks" when the poll returns.
//   node --import tsx tests/helpers/embedded-engine.ts   (DATABASE_URL=…)
import { getDb } from "@/lib/db/client";
import { resolveDatabaseConfig } from "@/lib/db/config";
import { pollForWorker } from "@/lib/runtime/worker-poll";
import { ensureReady } from "@/lib/server/bootstrap";

await ensureReady();
const config = resolveDatabaseConfig();
const pollStarted = Date.now();
void pollForWorker(getDb(), config.provider, { taskType: "nobody-serves-this", workerId: "test-poller", max: 1, waitMs: 120_000 }).then((tasks) =>
  console.log(`[embedded] long poll ended after ${Date.now() - pollStarted} ms with ${tasks.length} tasks`),
);
console.log("[embedded] ready");
