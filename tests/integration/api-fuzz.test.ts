// Issue 11, point 9: random and adversarial requests through the real route handlers — saves,
// imports, starts, operator operations, worker polls, heartbeats and results. Whatever comes in:
// no 5xx, every 4xx has the `{ error: { code, message, details: [{ path, message }] } }` shape,
// a refused request (4xx) changes nothing stored (definitions, executions, attempts, events,
// and the versions and timestamps of executions and attempts), and health answers at the end.
//
// Bounded: at most RUNS requests and TIME_LIMIT_MS (fast-check stops early without failing when
// the time is up). Reproduce a failure with the seed fast-check prints (FUZZ_SEED=…).
// SQLite only: the HTTP mapping is provider-independent; the services behind are tested on both.
// No engine runs while fuzzing, so nothing but the request under test changes the database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, type RouteFn } from "@/tests/helpers/api";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-api-fuzz-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";
process.env.FLOWDECK_ADMIN_TOKEN ??= TEST_ADMIN_TOKEN;

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_500);
const TIME_LIMIT_MS = 45_000;
const WORKER_ID = "fuzz-worker";
const TASK_TYPE = "fuzz.work";

type Routes = Record<"save" | "importing" | "start" | "operation" | "poll" | "heartbeat" | "complete" | "fail" | "health", RouteFn>;
let routes: Routes;
let db: import("@/lib/db/client").Db;
/** Executions and claimed worker tasks made in beforeAll, for operations and results to aim at. */
const known = { executions: [] as string[], tasks: [] as string[] };

// ---------------------------------------------------------------------------------------------
// Values

/**
 * Scalars that are awkward as JSON: placeholders ("@@…@@") become raw text that JSON.stringify
 * cannot produce — 1e309 (Infinity once parsed), -0, a lone surrogate escape, a 400-digit number.
 */
const RAW: Record<string, string> = {
  '"@@1e309@@"': "1e309",
  '"@@-1e309@@"': "-1e309",
  '"@@-0@@"': "-0",
  '"@@bignum@@"': "1".repeat(400),
  "@@lone@@": "\\ud800",
  "@@lowlone@@": "\\udfff",
};

const awkwardScalar = fc.constantFrom<unknown>(
  "@@1e309@@", "@@-1e309@@", "@@-0@@", "@@bignum@@", "x@@lone@@y", "@@lowlone@@", "NaN", "Infinity", "-0", "1e309",
  "__proto__", "constructor", "toString", "prototype", "", " ", "\u0000", "😀", "\ud83d\ude00", "a\u2028b",
  "{% ( %}", "{% %}", "{% $tasks.ghost.output %}", "{% $sum([1..50000].($sum([1..50000]))) %}", "{% $eval('1') %}",
  "x {% 1 %}", "{% 'a' %} and {% 'b' %}", 0, -1, 2 ** 53 + 1, 1e21, 0.1, true, false, null,
);

/**
 * Deeply nested arrays or objects around a value, built when the body is encoded (toJSON): a
 * value thousands of levels deep would overflow fast-check's own printing of a counterexample.
 */
class Deep {
  constructor(
    readonly depth: number,
    readonly objects: boolean,
    readonly inner: unknown,
  ) {}
  toJSON(): unknown {
    let value: unknown = this.inner;
    for (let i = 0; i < this.depth; i += 1) value = this.objects ? { d: value } : [value];
    return value;
  }
  [fc.toStringMethod](): string {
    return `Deep(${this.depth} ${this.objects ? "objects" : "arrays"} around ${fc.stringify(this.inner)})`;
  }
}
const deep = fc.tuple(fc.integer({ min: 60, max: 3_000 }), fc.boolean(), awkwardScalar).map(([depth, objects, inner]) => new Deep(depth, objects, inner));

const longString = fc.constantFrom(2_000, 2_001, 10_000, 10_001, 65_536, 1_048_577).map((length) => "x".repeat(length));

const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 4, arbitrary: awkwardScalar },
    { weight: 1, arbitrary: deep },
    { weight: 3, arbitrary: fc.array(tie("value"), { maxLength: 4 }) },
    { weight: 3, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("__proto__", "constructor", "@@lone@@", "")), tie("value"), { maxKeys: 4 }) },
  ),
})).value;

/** Mostly well-formed values, so that a good share of requests gets past validation. */
const mostlyClean = fc.oneof({ weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, { weight: 1, arbitrary: jsonish });
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, other: fc.Arbitrary<unknown> = jsonish) => fc.oneof({ weight: 3, arbitrary }, { weight: 1, arbitrary: other });
const reason = sometimes(fc.string({ minLength: 1, maxLength: 30 }));

// ---------------------------------------------------------------------------------------------
// Definitions

const TYPES = ["http", "transform", "worker", "wait", "approval", "switch", "map", "subworkflow", "terminate", "shell", "htpp", "", "TRANSFORM"];
const taskKey = fc.oneof(fc.constantFrom("a", "b", "c", "d", "__proto__", "constructor", "toString", "1bad", "", "x".repeat(65)), fc.string({ maxLength: 6 }));

const params = fc.oneof(
  jsonish,
  fc.record({ output: jsonish }, { requiredKeys: [] }),
  fc.record({ taskType: fc.oneof(fc.constant(TASK_TYPE), jsonish), concurrencyLimit: jsonish }, { requiredKeys: [] }),
  fc.record({ url: fc.oneof(fc.constantFrom("https://example.com", "ftp://x", "{% $input.url %}", "not a url"), jsonish), method: jsonish, headers: jsonish }, { requiredKeys: [] }),
  fc.record({ durationMs: jsonish, until: jsonish }, { requiredKeys: [] }),
  fc.record({ items: jsonish, task: jsonish, workflow: fc.oneof(fc.constantFrom("fz-chain", "ghost", "fz-self"), jsonish), concurrency: jsonish, failFast: jsonish }, { requiredKeys: [] }),
  fc.record({ cases: fc.array(fc.record({ name: jsonish, when: jsonish, next: jsonish }, { requiredKeys: [] }), { maxLength: 3 }), default: jsonish }, { requiredKeys: [] }),
  fc.record({ workflow: fc.oneof(fc.constantFrom("fz-chain", "fz-self", "ghost"), jsonish), version: jsonish, input: jsonish }, { requiredKeys: [] }),
);

const task = fc.record(
  {
    key: fc.oneof(taskKey, jsonish),
    type: fc.oneof(fc.constantFrom(...TYPES), jsonish),
    dependsOn: fc.oneof(fc.array(fc.oneof(taskKey, jsonish), { maxLength: 3 }), jsonish),
    params,
    when: fc.oneof(fc.constantFrom("{% true %}", "{% ( %}", "yes"), jsonish),
    input: jsonish,
    retry: fc.oneof(fc.record({ maximumAttempts: jsonish, backoff: jsonish, initialIntervalMs: jsonish }, { requiredKeys: [] }), jsonish),
    timeouts: fc.oneof(fc.record({ startToCloseMs: jsonish, heartbeatMs: jsonish }, { requiredKeys: [] }), jsonish),
    triggerRule: jsonish,
    unknownField: jsonish,
  },
  { requiredKeys: ["key", "type"] },
);

/** A plausible valid definition: a chain of transforms, sometimes reading each other (so some saves succeed). */
const validDefinition = fc.tuple(fc.stringMatching(/^fz-[a-z0-9]{1,6}$/), fc.integer({ min: 1, max: 6 }), jsonish).map(([name, count, extra]) => ({
  name,
  tasks: Array.from({ length: count }, (_, index) => ({
    key: `t${index}`,
    type: "transform",
    ...(index > 0 ? { dependsOn: [`t${index - 1}`] } : {}),
    params: { output: index > 0 ? { previous: `{% $tasks.t${index - 1}.output %}`, extra } : { extra } },
  })),
}));

const definition = fc.oneof(
  { weight: 3, arbitrary: validDefinition },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        name: fc.oneof(fc.stringMatching(/^fz-[a-z0-9]{1,6}$/), fc.constantFrom("new", "import", "Bad Name", "", "x".repeat(200), "fz-self"), jsonish),
        version: jsonish,
        description: fc.oneof(fc.string({ maxLength: 20 }), longString, jsonish),
        input: jsonish,
        variables: fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), jsonish, { maxKeys: 3 }), jsonish),
        timeoutMs: jsonish,
        failureWorkflow: fc.oneof(fc.constantFrom("fz-chain", "ghost"), jsonish),
        tasks: fc.oneof({ weight: 5, arbitrary: fc.array(task, { maxLength: 6 }) }, { weight: 1, arbitrary: jsonish }),
        output: jsonish,
        layout: jsonish,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: jsonish },
);

// ---------------------------------------------------------------------------------------------
// Requests

type Body = { kind: "json"; value: unknown } | { kind: "raw"; bytes: Uint8Array | string; contentType?: string };
type FuzzRequest = { route: keyof Routes; url: string; params: Record<string, string>; body: Body; label: string };

const rawBody: fc.Arbitrary<Body> = fc.oneof(
  fc.constantFrom<Body>(
    { kind: "raw", bytes: "" },
    { kind: "raw", bytes: "{" },
    { kind: "raw", bytes: "null" },
    { kind: "raw", bytes: "[]" },
    { kind: "raw", bytes: '"text"' },
    { kind: "raw", bytes: "1e309" },
    { kind: "raw", bytes: '{"a":1,"a":2}' },
    { kind: "raw", bytes: '{"__proto__":{"polluted":true},"name":"fz-proto","tasks":[{"key":"a","type":"transform","params":{"output":1}}]}' },
    { kind: "raw", bytes: new Uint8Array([0xff, 0xfe, 0x00]) },
    { kind: "raw", bytes: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
    { kind: "raw", bytes: "\ufeff{}" },
    { kind: "raw", bytes: "{}", contentType: "text/plain" },
    { kind: "raw", bytes: "{}", contentType: "application/x-www-form-urlencoded" },
  ),
  fc.string({ maxLength: 40 }).map((text): Body => ({ kind: "raw", bytes: text })),
  fc.uint8Array({ maxLength: 40 }).map((bytes): Body => ({ kind: "raw", bytes })),
);

const body = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Body> =>
  fc.oneof({ weight: 8, arbitrary: value.map((inner): Body => ({ kind: "json", value: inner })) }, { weight: 1, arbitrary: rawBody });

// known.* are filled in beforeAll, so they are read when a value is generated (chain), not here.
const executionId = fc.oneof(fc.constant(null).chain(() => fc.constantFrom(...known.executions)), fc.uuid().map(String), fc.constantFrom("", "..", "x".repeat(300), "%00", "null"));
const taskId = fc.oneof(fc.constant(null).chain(() => fc.constantFrom(...known.tasks)), fc.uuid().map(String), fc.constantFrom("", "x".repeat(300), "%2F"));
const workerId = fc.oneof({ weight: 4, arbitrary: fc.constant(WORKER_ID) }, { weight: 1, arbitrary: fc.constant("someone-else") }, { weight: 1, arbitrary: jsonish });
const OPERATION_NAMES = ["pause", "resume", "terminate", "retry", "restart", "rerun", "skip", "approve", "reject"];
const operationName = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...OPERATION_NAMES) }, { weight: 1, arbitrary: fc.constantFrom("PAUSE", "delete", "", "constructor", "__proto__", "x".repeat(300)) });
const operationBody = fc.oneof(
  fc.record({ reason: fc.string({ minLength: 1, maxLength: 30 }) }, { requiredKeys: [] }),
  fc.record({ reason, taskKey: sometimes(fc.constantFrom("work", "ask", "t0", "after", "ghost")), mapIndex: sometimes(fc.nat({ max: 3 })) }, { requiredKeys: [] }),
  fc.record({ fromTaskKey: sometimes(fc.constantFrom("work", "t0", "t1", "ask", "ghost")), input: mostlyClean, taskInput: mostlyClean, dryRun: sometimes(fc.boolean()), reason }, { requiredKeys: [] }),
  fc.record({ useLatestVersion: sometimes(fc.boolean()), reason }, { requiredKeys: [] }),
  jsonish,
);

/** A body each operation accepts (lib/services/operations operationBodySchemas). */
function validOperationBody(operation: string): fc.Arbitrary<unknown> {
  const why = fc.string({ minLength: 1, maxLength: 30 }).filter((text) => text.trim().length > 0);
  switch (operation) {
    case "terminate":
      return fc.record({ reason: why });
    case "skip":
      return fc.record({ taskKey: fc.constantFrom("work", "ask", "t0", "after"), reason: why });
    case "approve":
    case "reject":
      return fc.record({ taskKey: fc.constantFrom("ask", "work"), reason: why }, { requiredKeys: ["taskKey"] });
    case "rerun":
      return fc.record({ fromTaskKey: fc.constantFrom("work", "t0", "t1", "ask"), input: fc.jsonValue({ maxDepth: 2 }), dryRun: fc.boolean(), reason: why }, { requiredKeys: ["fromTaskKey"] });
    case "restart":
      return fc.record({ useLatestVersion: fc.boolean(), reason: why }, { requiredKeys: [] });
    case "retry":
      return fc.record({ dryRun: fc.boolean(), reason: why }, { requiredKeys: [] });
    default:
      return fc.record({ reason: why }, { requiredKeys: [] });
  }
}

/** A request of one kind: a well-formed body (3 in 5) or an adversarial one. */
const either = (valid: fc.Arbitrary<unknown>, adversarial: fc.Arbitrary<unknown>) => body(fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: adversarial }));

const startBody = either(
  fc.record({ workflow: fc.constantFrom("fz-chain", "fz-worker", "fz-approval"), input: fc.jsonValue({ maxDepth: 2 }), correlationId: fc.string({ minLength: 1, maxLength: 20 }) }, { requiredKeys: ["workflow"] }),
  fc.record(
    {
      workflow: sometimes(fc.constantFrom("fz-chain", "ghost", "fz-self", "")),
      version: fc.oneof(fc.constantFrom(1, 2, 99, 0, -1, 1.5), jsonish),
      input: jsonish,
      correlationId: jsonish,
      // Never a valid positive wait: no engine runs, so it would only sleep.
      waitSeconds: fc.constantFrom<unknown>(0, -1, 301, "5", null, "@@1e309@@", "@@-0@@"),
      extra: jsonish,
    },
    { requiredKeys: [] },
  ),
);

const resultBody = (kind: "heartbeat" | "complete" | "fail") =>
  either(
    kind === "complete"
      ? fc.record({ workerId: fc.constant(WORKER_ID), output: fc.jsonValue({ maxDepth: 2 }), logs: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }) }, { requiredKeys: ["workerId"] })
      : kind === "fail"
        ? fc.record({ workerId: fc.constant(WORKER_ID), error: fc.record({ code: fc.constantFrom("BOOM", "AUTH"), message: fc.string({ minLength: 1, maxLength: 20 }), details: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ["message"] }) }, { requiredKeys: ["workerId", "error"] })
        : fc.record({ workerId: fc.constant(WORKER_ID), details: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ["workerId"] }),
    fc.record({ workerId, output: mostlyClean, details: mostlyClean, logs: sometimes(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 })), error: sometimes(fc.record({ code: sometimes(fc.constantFrom("BOOM", "AUTH")), message: sometimes(fc.string({ minLength: 1, maxLength: 20 })), details: mostlyClean }, { requiredKeys: [] })) }, { requiredKeys: [] }),
  );

const resultRequest = (kind: "heartbeat" | "complete" | "fail") =>
  fc.tuple(taskId, resultBody(kind)).map(([id, b]): FuzzRequest => ({ route: kind, url: `/api/workers/tasks/${id}/${kind}`, params: { taskId: id }, body: b, label: kind }));

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  body(definition).map((b): FuzzRequest => ({ route: "save", url: "/api/workflows", params: {}, body: b, label: "save" })),
  body(fc.oneof(fc.array(definition, { maxLength: 4 }), fc.array(validDefinition, { minLength: 1, maxLength: 3 }), definition, fc.constant(Array.from({ length: 201 }, () => ({ name: "fz-many" }))))).map(
    (b): FuzzRequest => ({ route: "importing", url: "/api/workflows/import", params: {}, body: b, label: "import" }),
  ),
  startBody.map((b): FuzzRequest => ({ route: "start", url: "/api/executions", params: {}, body: b, label: "start" })),
  fc.tuple(executionId, operationName)
    .chain(([id, operation]) => either(validOperationBody(operation), operationBody).map((b) => ({ id, operation, b })))
    .map(({ id, operation, b }): FuzzRequest => ({ route: "operation", url: `/api/executions/${id}/${operation}`, params: { executionId: id, operation }, body: b, label: `operation ${operation}` })),
  either(
    fc.record({ taskType: fc.constant(TASK_TYPE), workerId: fc.constant(WORKER_ID), max: fc.integer({ min: 1, max: 5 }), waitMs: fc.constant(0) }, { requiredKeys: ["taskType", "workerId"] }),
    fc.record({ taskType: sometimes(fc.constant(TASK_TYPE)), workerId, max: fc.oneof(fc.integer({ min: -1, max: 101 }), jsonish), waitMs: fc.constantFrom<unknown>(0, -1, 30_001, "1", null), leaseMs: jsonish }, { requiredKeys: [] }),
  ).map((b): FuzzRequest => ({ route: "poll", url: "/api/workers/poll", params: {}, body: b, label: "poll" })),
  resultRequest("heartbeat"),
  resultRequest("complete"),
  resultRequest("fail"),
);

function encode(b: Body): { bytes: string | Uint8Array; contentType: string } {
  if (b.kind === "raw") return { bytes: b.bytes, contentType: b.contentType ?? "application/json" };
  let text = JSON.stringify(b.value) ?? "null";
  for (const [placeholder, raw] of Object.entries(RAW)) text = text.split(placeholder).join(raw);
  return { bytes: text, contentType: "application/json" };
}

// ---------------------------------------------------------------------------------------------
// Checks

/** What a refused request must leave unchanged. */
async function fingerprint(): Promise<unknown> {
  const [row] = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT
    (SELECT count(*) FROM "WorkflowDefinition") AS definitions,
    (SELECT count(*) FROM "Execution") AS executions,
    (SELECT coalesce(sum("version"), 0) FROM "Execution") AS executionVersions,
    (SELECT max("updatedAt") FROM "Execution") AS executionUpdated,
    (SELECT count(*) FROM "TaskRun") AS attempts,
    (SELECT max("updatedAt") FROM "TaskRun") AS attemptUpdated,
    (SELECT count(*) FROM "ExecutionEvent") AS events`);
  return JSON.parse(JSON.stringify(row, (_, value: unknown) => (typeof value === "bigint" ? Number(value) : value)));
}

const errorShape = { error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } };

async function send(request: FuzzRequest): Promise<{ status: number; text: string }> {
  const { bytes, contentType } = encode(request.body);
  const headers = { "content-type": contentType, authorization: `Bearer ${process.env.FLOWDECK_ADMIN_TOKEN}` };
  const response = await routes[request.route](new Request(`http://localhost${request.url}`, { method: "POST", headers, body: bytes as BodyInit }), { params: Promise.resolve(request.params) });
  return { status: response.status, text: await response.text() };
}

/** How many answers of each status the run got (printed at the end: the fuzzer reaches past validation). */
const statuses = new Map<number, number>();
const byKind = new Map<string, number>();

async function checkOne(request: FuzzRequest): Promise<void> {
  const before = await fingerprint();
  const { status, text } = await send(request);
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const kind = `${request.label.split(" ")[0]} ${status}`;
  byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  const what = `${request.label} ${request.url} → ${status}: ${text.slice(0, 300)}\nbody: ${String(encode(request.body).bytes).slice(0, 300)}`;
  expect(status, what).toBeLessThan(500);
  if (status >= 400) {
    const parsed = JSON.parse(text) as { error: { details: unknown[] } };
    expect(parsed, what).toEqual(errorShape);
    for (const detail of parsed.error.details) expect(detail, what).toEqual({ path: expect.any(String), message: expect.any(String) });
    expect(await fingerprint(), `a refused request changed what is stored: ${what}`).toEqual(before);
  }
}

// ---------------------------------------------------------------------------------------------

describe("the API under random and adversarial requests", () => {
  beforeAll(async () => {
    routes = {
      save: (await import("@/app/api/workflows/route")).POST as RouteFn,
      importing: (await import("@/app/api/workflows/import/route")).POST as RouteFn,
      start: (await import("@/app/api/executions/route")).POST as RouteFn,
      operation: (await import("@/app/api/executions/[executionId]/[operation]/route")).POST as RouteFn,
      poll: (await import("@/app/api/workers/poll/route")).POST as RouteFn,
      heartbeat: (await import("@/app/api/workers/tasks/[taskId]/heartbeat/route")).POST as RouteFn,
      complete: (await import("@/app/api/workers/tasks/[taskId]/complete/route")).POST as RouteFn,
      fail: (await import("@/app/api/workers/tasks/[taskId]/fail/route")).POST as RouteFn,
      health: (await import("@/app/api/health/route")).GET as RouteFn,
    };
    const { ensureReady } = await import("@/lib/server/bootstrap");
    await ensureReady();
    const { getDb } = await import("@/lib/db/client");
    db = getDb();
    const { saveWorkflow } = await import("@/lib/services/workflows");
    await saveWorkflow(db, { name: "fz-chain", tasks: [{ key: "t0", type: "transform", params: { output: "{% $input %}" } }, { key: "t1", type: "transform", dependsOn: ["t0"], params: { output: "{% $tasks.t0.output %}" } }] }, "fuzz");
    await saveWorkflow(db, { name: "fz-worker", tasks: [{ key: "work", type: "worker", params: { taskType: TASK_TYPE } }, { key: "after", type: "transform", dependsOn: ["work"], params: { output: 1 } }] }, "fuzz");
    await saveWorkflow(db, { name: "fz-approval", tasks: [{ key: "ask", type: "approval", params: { prompt: "ok?" } }] }, "fuzz");
    // Executions in every state the operations and worker results can meet: waiting for a worker
    // (claimed by WORKER_ID), waiting for an approval, completed. An engine prepares them, then stops.
    const { Engine } = await import("@/lib/runtime/engine");
    const { startExecution } = await import("@/lib/services/executions");
    const engine = new Engine(db, "sqlite", { pollIntervalMs: 20, timerIntervalMs: 20 });
    engine.start();
    for (const workflow of ["fz-worker", "fz-worker", "fz-worker", "fz-worker", "fz-worker", "fz-worker", "fz-approval", "fz-approval", "fz-approval", "fz-chain", "fz-chain"]) {
      known.executions.push((await startExecution(db, { workflow, input: { n: 1 } }, "fuzz")).id);
    }
    // Claimed through the poll route, so that the worker identity is the one the result routes see.
    for (let tries = 0; known.tasks.length < 6 && tries < 100; tries += 1) {
      const polled = await send({ route: "poll", url: "/api/workers/poll", params: {}, body: { kind: "json", value: { taskType: TASK_TYPE, workerId: WORKER_ID, max: 6, waitMs: 100 } }, label: "poll" });
      known.tasks.push(...(JSON.parse(polled.text) as { tasks: Array<{ taskId: string }> }).tasks.map((claimed) => claimed.taskId));
    }
    for (let tries = 0; tries < 200 && (await db.taskRun.count({ where: { status: "WAITING", taskKey: "ask" } })) < 3; tries += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    await engine.stop();
    expect(known.tasks.length).toBe(6);
  }, 60_000);
  afterAll(async () => {
    const { gracefulShutdown } = await import("@/lib/server/shutdown");
    await gracefulShutdown("test", 5_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it("regression: JSON nested 2,000 levels in an input, a result or details is a 400 naming where, not a 500 (z.json() ran out of stack)", async () => {
    const nested = (depth: number): unknown => new Deep(depth, false, 1).toJSON();
    const cases: FuzzRequest[] = [
      { route: "start", url: "/api/executions", params: {}, body: { kind: "json", value: { workflow: "fz-chain", input: { list: nested(2_000) } } }, label: "start" },
      { route: "complete", url: `/api/workers/tasks/${known.tasks[0]}/complete`, params: { taskId: known.tasks[0]! }, body: { kind: "json", value: { workerId: WORKER_ID, output: nested(2_000) } }, label: "complete" },
      { route: "fail", url: `/api/workers/tasks/${known.tasks[0]}/fail`, params: { taskId: known.tasks[0]! }, body: { kind: "json", value: { workerId: WORKER_ID, error: { message: "x", details: nested(2_000) } } }, label: "fail" },
      { route: "heartbeat", url: `/api/workers/tasks/${known.tasks[0]}/heartbeat`, params: { taskId: known.tasks[0]! }, body: { kind: "json", value: { workerId: WORKER_ID, details: nested(2_000) } }, label: "heartbeat" },
      { route: "operation", url: `/api/executions/${known.executions[0]}/rerun`, params: { executionId: known.executions[0]!, operation: "rerun" }, body: { kind: "json", value: { fromTaskKey: "work", dryRun: true, input: nested(2_000) } }, label: "rerun" },
    ];
    for (const request of cases) {
      const before = await fingerprint();
      const { status, text } = await send(request);
      expect(status, `${request.label}: ${text.slice(0, 200)}`).toBe(400);
      const { error } = JSON.parse(text) as { error: { code: string; details: Array<{ path: string; message: string }> } };
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.details).toHaveLength(1);
      expect(error.details[0]!.message).toBe("is nested deeper than 128 levels");
      expect(error.details[0]!.path).toMatch(/^(input\.list|output|error\.details|details|input)(\[0\])+$/);
      expect(await fingerprint()).toEqual(before);
    }
    // 128 levels is still fine (the input object is the first).
    const fine = await send({ route: "start", url: "/api/executions", params: {}, body: { kind: "json", value: { workflow: "fz-chain", input: { list: nested(127) } } }, label: "start" });
    expect(fine.status, fine.text).toBe(202);
  });

  it(`answers every request without a 5xx, refuses with the error shape, and a refusal changes nothing (≤ ${RUNS} requests, ≤ ${TIME_LIMIT_MS / 1000} s)`, async () => {
    const startedAt = Date.now();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        await checkOne(request);
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
    );
    const health = await routes.health(new Request("http://localhost/api/health"), { params: Promise.resolve({}) });
    expect(health.status).toBe(200);
    const counts = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(" ");
    console.log(`[fuzz] ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests in ${Date.now() - startedAt} ms: ${counts}`);
    console.log(`[fuzz] by route: ${[...byKind].sort().map(([kind, count]) => `${kind}×${count}`).join(", ")}`);
    // Some requests must get through validation, or the fuzzer only tests the front door.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
  }, 120_000);
});

