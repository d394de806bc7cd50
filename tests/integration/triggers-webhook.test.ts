// Webhook triggers on both databases, through lib/triggers/webhook.ts with real Request objects
// (the route file only wraps it; auth-routes.test.ts walks the route itself): signed and token
// calls start an execution with the template's input and the trigger recorded; a bad or missing
// secret (401), an oversized body (413), an unknown trigger (404) and a paused one (409) start
// nothing; 50 calls with one Idempotency-Key start one execution; 200 concurrent signed calls
// start 200; respond "result" answers with the workflow's output.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { Engine } from "@/lib/runtime/engine";
import { ServiceError } from "@/lib/services/errors";
import { saveWorkflow } from "@/lib/services/workflows";
import { openTriggerSecret, signatureOf } from "@/lib/triggers/secret";
import { handleWebhook } from "@/lib/triggers/webhook";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";

process.env.FLOWDECK_SECRETS_KEY ??= randomBytes(32).toString("base64");

type Answer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

const hooked = {
  name: "hooked",
  input: { type: "object", properties: { ref: { type: "string" } } },
  tasks: [{ key: "echo", type: "transform", params: { output: { ref: "{% $input.ref %}", from: "{% $input.from %}", q: "{% $input.q %}" } } }],
  output: "{% $tasks.echo.output %}",
  triggers: [
    { type: "webhook", key: "deploy", input: { ref: "{% $trigger.body.ref %}", from: "{% $trigger.headers.`x-sender` %}", q: "{% $trigger.query.q %}" } },
    { type: "webhook", key: "small", maxBodyBytes: 100 },
    { type: "webhook", key: "wait", respond: "result", waitSeconds: 20 },
  ],
};

describe.each(TEST_PROVIDERS)("webhook triggers on %s", (provider) => {
  let testDb: TestDatabase;
  let db: Db;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
    db = testDb.db;
    await saveWorkflow(db, hooked, "test");
    for (const row of await db.trigger.findMany({ where: { workflowName: "hooked" } })) {
      const opened = openTriggerSecret(row.id, row);
      if (!opened.ok) throw new Error(opened.problem);
      secrets[row.key] = opened.secret;
    }
  });
  afterAll(async () => {
    await testDb?.cleanup();
  });

  async function call(key: string, body: string, headers: Record<string, string> = {}, workflow = "hooked", query = ""): Promise<Answer> {
    const request = new Request(`http://localhost/api/hooks/${workflow}/${key}${query}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    try {
      return await handleWebhook(db, workflow, key, request);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      return { status: error.httpStatus, body: { error: { code: error.code, message: error.message } } };
    }
  }
  const signed = (key: string, body: string, headers: Record<string, string> = {}, query = "") =>
    call(key, body, { "x-flowdeck-signature-256": signatureOf(secrets[key]!, Buffer.from(body)), ...headers }, "hooked", query);
  const count = (key: string) => db.execution.count({ where: { workflowName: "hooked", trigger: { contains: `"key":"${key}"` } } });

  it("a signed call starts an execution with the template's input, recording the trigger and the actor", async () => {
    const answer = await signed("deploy", JSON.stringify({ ref: "main" }), { "x-sender": "ci" }, "?q=1");
    expect(answer.status).toBe(202);
    const execution = await db.execution.findUniqueOrThrow({ where: { id: answer.body.executionId as string } });
    expect(JSON.parse(execution.input!)).toEqual({ ref: "main", from: "ci", q: "1" });
    expect(JSON.parse(execution.trigger!)).toEqual({ type: "webhook", key: "deploy", requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(execution.createdBy).toBe("webhook:hooked/deploy");
    // The secret itself as a token header works too.
    expect((await call("deploy", JSON.stringify({ ref: "dev" }), { "x-flowdeck-token": secrets.deploy! })).status).toBe(202);
  });

  it("a wrong or missing secret gets 401 and starts nothing", async () => {
    const before = await count("deploy");
    const body = JSON.stringify({ ref: "main" });
    const refusals = [
      await call("deploy", body),
      await call("deploy", body, { "x-flowdeck-signature-256": signatureOf(secrets.deploy!, Buffer.from(body + " ")) }),
      await call("deploy", body, { "x-flowdeck-signature-256": signatureOf(secrets.small!, Buffer.from(body)) }),
      await call("deploy", body, { "x-flowdeck-signature-256": "sha256=00" }),
      await call("deploy", body, { "x-flowdeck-token": `${secrets.deploy!}x` }),
      await call("deploy", body, { authorization: "Bearer fdk_not_the_secret" }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(401);
      expect((refusal.body.error as { message: string }).message).toBe(
        "missing or wrong webhook secret: send x-flowdeck-signature-256: sha256=<HMAC-SHA256 of the body> or x-flowdeck-token: <secret>",
      );
    }
    expect(await count("deploy")).toBe(before);
  });

  it("an oversized body gets 413, an unknown trigger 404, a paused one 409: nothing started", async () => {
    const big = JSON.stringify({ pad: "x".repeat(200) });
    expect(await signed("small", big)).toMatchObject({ status: 413, body: { error: { message: "the webhook body is larger than this trigger accepts (100 bytes, maxBodyBytes)" } } });
    expect(await call("nope", "{}")).toMatchObject({ status: 404, body: { error: { message: "workflow 'hooked' has no webhook trigger 'nope'" } } });
    expect((await call("deploy", "{}", {}, "no-such-workflow")).status).toBe(404);
    expect(await count("small")).toBe(0);
    await db.trigger.update({ where: { workflowName_key: { workflowName: "hooked", key: "small" } }, data: { pausedAt: new Date(), pausedBy: "olga@example.com" } });
    expect(await signed("small", "{}")).toMatchObject({ status: 409, body: { error: { message: "webhook 'hooked/small' is paused (by olga@example.com); resume it to accept calls" } } });
    expect(await count("small")).toBe(0);
  });

  it("50 calls with one Idempotency-Key start one execution, and all answer it", async () => {
    const body = JSON.stringify({ ref: "once" });
    const answers = await Promise.all(Array.from({ length: 50 }, () => signed("deploy", body, { "idempotency-key": `deploy-${provider}-1` })));
    const ids = new Set(answers.map((answer) => answer.body.executionId));
    expect(answers.map((answer) => answer.status).filter((status) => status !== 200 && status !== 202)).toEqual([]);
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => answer.status === 202)).toHaveLength(1);
    expect(await db.execution.count({ where: { workflowName: "hooked", trigger: { contains: `deploy-${provider}-1` } } })).toBe(1);
  });

  it("200 concurrent signed calls start 200 executions, with no error", { timeout: 60_000 }, async () => {
    const before = await count("deploy");
    const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => signed("deploy", JSON.stringify({ ref: `r${n}` }))));
    expect(answers.map((answer) => answer.status).filter((status) => status !== 202)).toEqual([]);
    expect(new Set(answers.map((answer) => answer.body.executionId)).size).toBe(200);
    expect(await count("deploy")).toBe(before + 200);
  });

  it('respond "result" waits for the execution and answers its output', { timeout: 30_000 }, async () => {
    const engine = new Engine(db, provider, { pollIntervalMs: 20, triggers: false });
    engine.start();
    try {
      const answer = await signed("wait", JSON.stringify({ ref: "now" }));
      expect(answer).toMatchObject({ status: 200, body: { status: "COMPLETED", output: { ref: "now" }, error: null } });
    } finally {
      await engine.stop();
    }
  });
});
