// Issue 11, point 3: a definition's size and number of expressions are limited (413
// PAYLOAD_TOO_LARGE naming the size or count, the limit and its setting, checked before anything
// else and before anything is stored), and a large definition is prepared in the expression pool
// (lib/pool): the save's validation no longer holds the event loop. Through the real route
// handlers (save and import; the designer's server action calls the same saveWorkflow). SQLite
// only: the limits and the pool are the same on both databases.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, TEST_ADMIN_TOKEN, type RouteFn } from "@/tests/helpers/api";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-definition-limits-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";
process.env.FLOWDECK_ADMIN_TOKEN ??= TEST_ADMIN_TOKEN;

let routes: { save: RouteFn; importing: RouteFn; exporting: RouteFn };
let db: import("@/lib/db/client").Db;

type ErrorBody = { error: { code: string; message: string; details: Array<{ path: string; message: string }> } };

/** `tasks` transforms in a chain, each with `expressions` distinct expressions (about 110 bytes each). */
function bigDefinition(name: string, tasks: number, expressions: number) {
  return {
    name,
    tasks: Array.from({ length: tasks }, (_, index) => ({
      key: `t${index}`,
      type: "transform",
      ...(index > 0 ? { dependsOn: [`t${index - 1}`] } : {}),
      params: { output: Object.fromEntries(Array.from({ length: expressions }, (_, field) => [`f${field}`, `{% $input.value${field} + ${index} * ${field} + $count([${index}, ${field}]) %}`])) },
    })),
  };
}

/** Runs `work` and measures the longest gap between turns of this event loop meanwhile. */
async function longestLoopGapDuring<T>(work: () => Promise<T>): Promise<{ result: T; longestGapMs: number }> {
  let longestGapMs = 0;
  let last = performance.now();
  let done = false;
  const tick = () => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    if (!done) setTimeout(tick, 5);
  };
  setTimeout(tick, 5);
  try {
    return { result: await work(), longestGapMs };
  } finally {
    done = true;
  }
}

describe("definition limits through the API", () => {
  beforeAll(async () => {
    routes = {
      save: (await import("@/app/api/workflows/route")).POST as RouteFn,
      importing: (await import("@/app/api/workflows/import/route")).POST as RouteFn,
      exporting: (await import("@/app/api/workflows/[name]/export/route")).GET as RouteFn,
    };
    const { ensureReady } = await import("@/lib/server/bootstrap");
    await ensureReady();
    const { getDb } = await import("@/lib/db/client");
    db = getDb();
  });
  afterAll(async () => {
    const { gracefulShutdown } = await import("@/lib/server/shutdown");
    await gracefulShutdown("test", 5_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a definition over 1 MiB with 413 naming its size, the limit and the setting, and stores nothing", async () => {
    const definition = { name: "too-big", variables: { blob: "x".repeat(1_100_000) }, tasks: [{ key: "a", type: "transform", params: { output: 1 } }] };
    const bytes = Buffer.byteLength(JSON.stringify(definition));
    const response = await callRoute(routes.save, "POST", "/api/workflows", { body: definition });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error).toEqual({
      code: "PAYLOAD_TOO_LARGE",
      message: `the definition is ${bytes} bytes of JSON; the limit is 1048576 bytes (FLOWDECK_MAX_DEFINITION_BYTES)`,
      details: [{ path: "", message: `is ${bytes} bytes; at most 1048576` }],
    });
    expect(await db.workflowDefinition.count({ where: { name: "too-big" } })).toBe(0);
  });

  it("refuses more than 10,000 expressions with 413 naming the count and the setting, before parsing them", async () => {
    // 10,001 expressions, each of which would fail to parse: the limit answers first.
    const definition = { name: "too-many", tasks: [{ key: "a", type: "transform", params: { output: Array.from({ length: 10_001 }, (_, index) => `{% ( ${index} %}`) } }] };
    const response = await callRoute(routes.save, "POST", "/api/workflows", { body: definition });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error).toEqual({
      code: "PAYLOAD_TOO_LARGE",
      message: "the definition has more than 10000 expressions; the limit is 10000 (FLOWDECK_MAX_EXPRESSIONS)",
      details: [{ path: "", message: "has more than 10000 {% … %} expressions" }],
    });
    expect(await db.workflowDefinition.count({ where: { name: "too-many" } })).toBe(0);
  });

  it("an import with one definition over a limit is refused whole (413 naming its index), nothing saved", async () => {
    const fine = { name: "import-fine", tasks: [{ key: "a", type: "transform", params: { output: "{% 1 %}" } }] };
    const many = { name: "import-many", tasks: [{ key: "a", type: "transform", params: { output: Array.from({ length: 10_001 }, () => "{% 1 %}") } }] };
    const invalid = { name: "Bad Name", tasks: [] };
    const response = await callRoute(routes.importing, "POST", "/api/workflows/import", { body: [fine, invalid, many] });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: "the definition [2] has more than 10000 expressions; the limit is 10000 (FLOWDECK_MAX_EXPRESSIONS)",
      details: [{ path: "[2]" }],
    });
    expect(await db.workflowDefinition.count({ where: { name: { in: ["import-fine", "import-many"] } } })).toBe(0);
  });

  it("saves a large definition (2,000 tasks, 9,000 expressions) prepared in the pool, while the event loop keeps turning; stored text is canonical", async () => {
    const definition = bigDefinition("large-valid", 2_000, 4);
    definition.tasks.slice(0, 1_000).forEach((task) => (task.params.output.extra = `{% $input.extra + ${task.key.length} %}`));
    const bytes = Buffer.byteLength(JSON.stringify(definition));
    expect(bytes).toBeGreaterThan(500_000);
    expect(bytes).toBeLessThan(1_048_576);
    const { result: response, longestGapMs } = await longestLoopGapDuring(() => callRoute(routes.save, "POST", "/api/workflows", { body: definition }));
    expect(response.status).toBe(201);
    const saved = (await response.json()) as { workflow: { version: number; taskCount: number } };
    expect(saved.workflow).toMatchObject({ version: 1, taskCount: 2_000 });
    // Validating 9,000 expressions on this thread took seconds; in the pool the loop only pays the
    // copies, the hash and the insert (tens of ms; generous here for a shared machine).
    console.log(`[definition-limits] a ${bytes}-byte save held the event loop for at most ${Math.round(longestGapMs)} ms`);
    expect(longestGapMs).toBeLessThan(750);

    const { serializeDefinition, canonicalize } = await import("@/lib/workflow");
    const exported = await callRoute(routes.exporting, "GET", "/api/workflows/large-valid/export", { params: { name: "large-valid" } });
    const text = await exported.text();
    expect(text).toBe(serializeDefinition({ ...canonicalize(definition as never), version: 1 }));
    // The same content again is no new version (the checksum is the canonical text's).
    const again = await callRoute(routes.save, "POST", "/api/workflows", { body: definition });
    expect(again.status).toBe(200);
  }, 60_000);

  it("the issue's 4.4 MB definition with 250,000 expressions is refused at once", async () => {
    const definition = { name: "issue-finding-3", tasks: Array.from({ length: 2_000 }, (_, index) => ({ key: `t${index}`, type: "transform", params: { output: Array(125).fill("{% $input.a %}") } })) };
    expect(Buffer.byteLength(JSON.stringify(definition))).toBeGreaterThan(4_000_000);
    const { result: response, longestGapMs } = await longestLoopGapDuring(() => callRoute(routes.save, "POST", "/api/workflows", { body: definition }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.message).toMatch(/^the definition is \d+ bytes of JSON; the limit is 1048576 bytes \(FLOWDECK_MAX_DEFINITION_BYTES\)$/);
    // What remains on the loop: reading the body and measuring its JSON (it held the server for 34 s).
    expect(longestGapMs).toBeLessThan(1_500);
  }, 60_000);
});
