// Secrets across processes, with real `npm run worker` engine processes (scripts/worker.ts) on both
// databases: a worker without the key, or with another key, warns at start, fails the tasks that
// read secrets with a clear error naming the secret and the keys, and keeps running everything
// else; a worker given the same FLOWDECK_SECRETS_KEY runs them. No worker ever creates a key file.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { ProcessGroup } from "../helpers/processes";
import { sendJson, startTestServer, taskOf, waitForEnd, type TestServer } from "./engine-task-types.support";
import { startExecution } from "@/lib/services/executions";
import { saveWorkflow } from "@/lib/services/workflows";
import { setSecret } from "@/lib/secrets/service";
import { keyIdOf } from "@/lib/secrets/key";

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);

describe.each(TEST_PROVIDERS)("secrets in worker processes on %s", (provider) => {
  let testDb: TestDatabase;
  let server: TestServer;
  let dataDir: string;
  const processes = new ProcessGroup();
  const value = `w_${randomBytes(10).toString("hex")}`;

  beforeAll(async () => {
    server = await startTestServer((request, response) => sendJson(response, 200, { token: request.headers["x-token"] ?? null }));
    testDb = await createTestDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "flowdeck-secrets-workers-"));
    process.env.FLOWDECK_SECRETS_KEY = KEY_A.toString("base64");
    await setSecret(testDb.db, "WORKER_TOKEN", { value }, "test");
    await saveWorkflow(testDb.db, { name: "reads-secret", tasks: [{ key: "call", type: "http", params: { url: `${server.url}/s`, headers: { "x-token": "{% $secrets.WORKER_TOKEN %}" } } }] }, "test");
    await saveWorkflow(testDb.db, { name: "no-secret", tasks: [{ key: "call", type: "http", params: { url: `${server.url}/plain` } }] }, "test");
  });
  afterEach(() => processes.stopAll());
  afterAll(async () => {
    await processes.stopAll();
    await server?.close();
    await testDb?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
    delete process.env.FLOWDECK_SECRETS_KEY;
  });

  const startWorker = (key: Buffer | undefined, name: string) =>
    processes.startWorker(
      {
        DATABASE_URL: testDb.config.provider === "sqlite" ? `file:${testDb.config.filePath}` : testDb.config.url,
        FLOWDECK_DATA_DIR: dataDir,
        FLOWDECK_SECRETS_KEY: key?.toString("hex"),
        FLOWDECK_HTTP_ALLOWED_HOSTS: "127.0.0.1",
        FLOWDECK_ENGINE_POLL_MS: "50",
      },
      { name: `${provider}-${name}` },
    );
  const runOn = async (workflow: string) => waitForEnd(testDb.db, (await startExecution(testDb.db, { workflow }, "test")).id, 30_000);

  it("without the key: warns at start, fails the task with SECRETS_KEY_MISSING, runs the rest, creates no key file", { timeout: 120_000 }, async () => {
    const worker = await startWorker(undefined, "no-key");
    await worker.waitForOutput(/\[secrets\] this worker has no secrets key/);
    const before = server.requests.length;
    const failed = await runOn("reads-secret");
    expect(failed.status).toBe("FAILED");
    expect(taskOf(failed, "call").attempts[0]!.error).toMatchObject({
      code: "SECRETS_KEY_MISSING",
      message: expect.stringContaining(`secret WORKER_TOKEN cannot be decrypted: this process has no secrets key (FLOWDECK_SECRETS_KEY is not set and ${join(dataDir, "secrets.key")} does not exist)`),
    });
    expect(server.requests.length).toBe(before);
    expect((await runOn("no-secret")).status).toBe("COMPLETED");
    expect(worker.running).toBe(true);
    expect(existsSync(join(dataDir, "secrets.key"))).toBe(false);
  });

  it("with another key: warns at start naming both keys, fails the task with SECRET_KEY_MISMATCH, runs the rest", { timeout: 120_000 }, async () => {
    const worker = await startWorker(KEY_B, "other-key");
    await worker.waitForOutput(new RegExp(`stored secrets were encrypted with key ${keyIdOf(KEY_A)}, but this worker's key \\(from FLOWDECK_SECRETS_KEY\\) is ${keyIdOf(KEY_B)}`));
    const failed = await runOn("reads-secret");
    expect(taskOf(failed, "call").attempts[0]!.error).toMatchObject({
      code: "SECRET_KEY_MISMATCH",
      message: `secret WORKER_TOKEN was encrypted with key ${keyIdOf(KEY_A)}, but this process's key (from FLOWDECK_SECRETS_KEY) is ${keyIdOf(KEY_B)}: every engine process needs the same FLOWDECK_SECRETS_KEY (or set the secret again to encrypt it with this key)`,
    });
    expect((await runOn("no-secret")).status).toBe("COMPLETED");
    expect(worker.running).toBe(true);
    expect(worker.log).not.toContain(value);
  });

  it("with the same FLOWDECK_SECRETS_KEY: sends the value, stores only the marker", { timeout: 120_000 }, async () => {
    const worker = await startWorker(KEY_A, "same-key");
    const completed = await runOn("reads-secret");
    expect(completed.status).toBe("COMPLETED");
    expect(server.requests.at(-1)!.headers["x-token"]).toBe(value);
    expect(taskOf(completed, "call").attempts[0]!.output).toMatchObject({ body: { token: "[secret:WORKER_TOKEN]" } });
    expect(worker.log).not.toContain(value);
    expect(worker.log).not.toContain("[secrets]");
  });
});
