// Executions search at scale: 100,000 executions in a fresh database, then the list's queries —
// first page, a filtered page, and pages deep into the history through the cursor.
//   npx tsx bench/search-paging.ts [--count=100000] [--provider=sqlite|postgresql]
import { randomUUID } from "node:crypto";
import { cpus, totalmem } from "node:os";
import { createTestDatabase } from "../tests/helpers/db";
import { saveWorkflow } from "@/lib/services/workflows";
import { searchExecutions, type ExecutionSearch } from "@/lib/services/execution-search";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const COUNT = Number(arg("count", "100000"));
const providers = arg("provider", "sqlite,postgresql").split(",") as ("sqlite" | "postgresql")[];
const STATUSES = ["COMPLETED", "COMPLETED", "COMPLETED", "FAILED", "RUNNING", "TERMINATED"];

console.log(`\nExecutions search — ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; command: npx tsx bench/search-paging.ts --count=${COUNT}\n`);
console.log("| provider | executions | query | p50 ms | p95 ms |");
console.log("|---|---|---|---|---|");
for (const provider of providers) {
  const t = await createTestDatabase(provider);
  const saved = await saveWorkflow(t.db, { name: "bench-search", tasks: [{ key: "a", type: "transform", params: { output: 1 } }] }, "bench");
  const definition = await t.db.workflowDefinition.findFirstOrThrow({ where: { name: "bench-search", version: saved.workflow.version } });
  const start = Date.now() - COUNT * 1000;
  for (let offset = 0; offset < COUNT; offset += 2000) {
    await t.db.execution.createMany({
      data: Array.from({ length: Math.min(2000, COUNT - offset) }, (_, i) => {
        const n = offset + i;
        return {
          id: randomUUID(),
          definitionId: definition.id,
          workflowName: n % 10 === 0 ? "other-workflow" : "bench-search",
          workflowVersion: 1,
          status: STATUSES[n % STATUSES.length]!,
          correlationId: `order-${n}`,
          createdAt: new Date(start + n * 1000),
        };
      }),
    });
  }
  const time = async (label: string, search: ExecutionSearch, repeat = 30) => {
    const samples: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const s = performance.now();
      await searchExecutions(t.db, search);
      samples.push(performance.now() - s);
    }
    samples.sort((a, b) => a - b);
    console.log(`| ${provider} | ${COUNT} | ${label} | ${samples[Math.floor(samples.length / 2)]!.toFixed(1)} | ${samples[Math.floor(samples.length * 0.95)]!.toFixed(1)} |`);
  };
  await time("first page (50)", { limit: 50 });
  await time("status=FAILED, first page", { status: ["FAILED"], limit: 50 });
  await time("workflow=bench-search&status=COMPLETED", { workflow: "bench-search", status: ["COMPLETED"], limit: 50 });
  await time("correlationId=order-77777", { correlationId: "order-77777", limit: 50 });
  // A cursor 1,000 pages (50,000 executions) deep.
  let cursor: string | null = null;
  for (let page = 0; page < 1000 && (page === 0 || cursor); page++) cursor = (await searchExecutions(t.db, { limit: 50, ...(cursor ? { cursor } : {}) })).nextCursor;
  await time("page 1,001 via cursor", { limit: 50, ...(cursor ? { cursor } : {}) });
  await t.cleanup();
}
process.exit(0);
