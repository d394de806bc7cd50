// Secrets on both databases: set / list / replace / delete (values never come back), the save
// check of definitions that read them, and tasks that use them end to end — an http task's header
// reaches a local server, a shell task's env reaches the command, and nothing stored of the
// execution (attempt rows, events, the execution view, the export) ever holds a value. A value
// encrypted under one key is refused under another (the task fails with a clear error, the
// engine carries on), and a deleted secret fails its task with SECRET_NOT_FOUND.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { run, saveWorkflow, sendJson, startTestServer, taskOf, uniqueName, type TestServer } from "./engine-task-types.support";
import { Engine } from "@/lib/runtime/engine";
import { ServiceError } from "@/lib/services/errors";
import { exportWorkflow, getWorkflow, importWorkflows, saveWorkflow as saveDefinition } from "@/lib/services/workflows";
import { getExecution, listExecutionEvents, startExecution } from "@/lib/services/executions";
import { deleteSecret, listSecrets, setSecret } from "@/lib/secrets/service";
import { secretsForTask } from "@/lib/secrets/resolve";
import type { Db } from "@/lib/db/client";

process.env.FLOWDECK_HTTP_ALLOWED_HOSTS = "127.0.0.1";

const KEY_A = randomBytes(32).toString("base64");
const KEY_B = randomBytes(32).toString("hex");

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

/** Everything stored of an execution and its attempts, and what the API shows of it, as one text. */
async function everythingStored(db: Db, executionId: string): Promise<string> {
  const [execution, attempts, events, logs, view, eventViews] = await Promise.all([
    db.execution.findMany({ where: { id: executionId } }),
    db.taskRun.findMany({ where: { executionId } }),
    db.executionEvent.findMany({ where: { executionId } }),
    db.taskLog.findMany({ where: { executionId } }),
    getExecution(db, executionId),
    listExecutionEvents(db, executionId),
  ]);
  const text = JSON.stringify({ execution, attempts, events, logs, view, eventViews }, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  expect(text.length).toBeGreaterThan(200);
  return text;
}

describe.each(TEST_PROVIDERS)("secrets on %s", (provider) => {
  let h: EngineHarness;
  let server: TestServer;
  let dataDir: string;
  const savedKey = process.env.FLOWDECK_SECRETS_KEY;
  const savedDataDir = process.env.FLOWDECK_DATA_DIR;

  beforeAll(async () => {
    h = await createEngineHarness(provider);
    server = await startTestServer((request, response) => {
      if (request.path === "/deny") return sendJson(response, 401, { error: `token ${String(request.headers["x-api-key"])} is not valid` });
      // Echoes everything it received: a server that repeats a credential must not get it stored.
      sendJson(response, 200, { path: request.path, query: request.query, headers: request.headers, body: request.body }, { "x-echo": String(request.headers.authorization ?? "") });
    });
  });
  afterAll(async () => {
    await h?.cleanup();
    await server?.close();
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "flowdeck-secrets-"));
    process.env.FLOWDECK_DATA_DIR = dataDir;
    process.env.FLOWDECK_SECRETS_KEY = KEY_A;
  });
  afterEach(async () => {
    await h.db.secret.deleteMany({});
    rmSync(dataDir, { recursive: true, force: true });
    if (savedKey === undefined) delete process.env.FLOWDECK_SECRETS_KEY;
    else process.env.FLOWDECK_SECRETS_KEY = savedKey;
    if (savedDataDir === undefined) delete process.env.FLOWDECK_DATA_DIR;
    else process.env.FLOWDECK_DATA_DIR = savedDataDir;
  });

  describe("the service", () => {
    it("creates, lists, replaces and deletes; no answer and no stored column holds the value", async () => {
      const value = `ghp_${randomBytes(12).toString("hex")}`;
      const created = await setSecret(h.db, "GITHUB_TOKEN", { value }, "alice@example.com");
      expect(created).toMatchObject({ created: true, secret: { name: "GITHUB_TOKEN", createdBy: "alice@example.com", updatedBy: "alice@example.com" } });
      const replaced = await setSecret(h.db, "GITHUB_TOKEN", { value: `${value}-2` }, "bob@example.com");
      expect(replaced).toMatchObject({ created: false, secret: { name: "GITHUB_TOKEN", createdBy: "alice@example.com", updatedBy: "bob@example.com" } });
      await setSecret(h.db, "A_FIRST", { value: "other" }, "alice@example.com");
      const listed = await listSecrets(h.db);
      expect(listed.map((secret) => secret.name)).toEqual(["A_FIRST", "GITHUB_TOKEN"]);
      expect(Object.keys(listed[0]!).sort()).toEqual(["createdAt", "createdBy", "keyId", "name", "updatedAt", "updatedBy"]);
      const rows = await h.db.secret.findMany();
      const answers = JSON.stringify({ created, replaced, listed, rows });
      expect(answers).not.toContain(value);
      expect(answers).not.toContain(Buffer.from(value).toString("base64"));
      expect(answers).not.toContain(Buffer.from(value).toString("hex"));
      const row = rows.find((r) => r.name === "GITHUB_TOKEN")!;
      expect(Buffer.from(row.iv, "base64")).toHaveLength(12);
      expect(Buffer.from(row.authTag, "base64")).toHaveLength(16);
      expect(row.keyId).toMatch(/^[0-9a-f]{16}$/);
      expect(await deleteSecret(h.db, "GITHUB_TOKEN")).toEqual({ deleted: "GITHUB_TOKEN" });
      expect((await listSecrets(h.db)).map((secret) => secret.name)).toEqual(["A_FIRST"]);
      expect((await refusal(deleteSecret(h.db, "GITHUB_TOKEN"))).message).toBe("secret GITHUB_TOKEN not found");
    });

    it("refuses bad names and values with 400 naming the path, and stores nothing", async () => {
      for (const name of ["github_token", "A-B", "A B", "1ABC", "", "A".repeat(65), "ÄRGER", "A\nB"]) {
        const error = await refusal(setSecret(h.db, name, { value: "x" }, "test"));
        expect(error.httpStatus, JSON.stringify(name)).toBe(400);
        expect(error.details).toEqual([{ path: "name", message: expect.stringContaining("is not a valid secret name: secret names use A–Z, 0–9 and _") }]);
      }
      expect((await refusal(setSecret(h.db, "A B", { value: "x" }, "test"))).message).toBe(
        "'A B' is not a valid secret name: secret names use A–Z, 0–9 and _, start with a letter or _, and have at most 64 characters (e.g. GITHUB_TOKEN)",
      );
      for (const [body, path] of [[{ value: "" }, "value"], [{ value: 42 }, "value"], [{}, "value"], [{ value: "x", extra: 1 }, ""], ["x", ""]] as const) {
        const error = await setSecret(h.db, "OK_NAME", body, "test").then(
          () => null,
          (e: unknown) => e as { issues?: { path: PropertyKey[] }[] },
        );
        expect(error?.issues?.[0]?.path.join("."), JSON.stringify(body)).toBe(path);
      }
      expect(await h.db.secret.count()).toBe(0);
    });

    it("creates the key file (mode 0600) when there is no FLOWDECK_SECRETS_KEY, and reads values with it", async () => {
      delete process.env.FLOWDECK_SECRETS_KEY;
      await setSecret(h.db, "FILE_KEYED", { value: "from-the-file" }, "test");
      const { statSync } = await import("node:fs");
      expect(statSync(join(dataDir, "secrets.key")).mode & 0o777).toBe(0o600);
      expect(await secretsForTask(h.db, "http", { headers: { a: "{% $secrets.FILE_KEYED %}" } }, "tasks.t.params", "t")).toEqual({ ok: true, secrets: { FILE_KEYED: "from-the-file" } });
    });

    it("refuses a value encrypted under another key, a process without a key, and an altered value, each with a clear error", async () => {
      await setSecret(h.db, "API_KEY", { value: "under-key-a" }, "test");
      const params = { headers: { "x-api-key": "{% $secrets.API_KEY %}" } };
      const resolve = () => secretsForTask(h.db, "http", params, "tasks.call.params", "call");
      expect(await resolve()).toEqual({ ok: true, secrets: { API_KEY: "under-key-a" } });
      const { keyId } = (await h.db.secret.findUniqueOrThrow({ where: { name: "API_KEY" } }));

      process.env.FLOWDECK_SECRETS_KEY = KEY_B;
      const other = await resolve();
      expect(other).toMatchObject({ ok: false, error: { code: "SECRET_KEY_MISMATCH" } });
      const message = (other as { error: { message: string } }).error.message;
      expect(message).toMatch(new RegExp(`^secret API_KEY was encrypted with key ${keyId}, but this process's key \\(from FLOWDECK_SECRETS_KEY\\) is [0-9a-f]{16}: every engine process needs the same FLOWDECK_SECRETS_KEY`));
      expect(message).not.toContain("under-key-a");

      delete process.env.FLOWDECK_SECRETS_KEY; // and no key file in this data directory
      expect(await resolve()).toEqual({
        ok: false,
        error: {
          code: "SECRETS_KEY_MISSING",
          message: `secret API_KEY cannot be decrypted: this process has no secrets key (FLOWDECK_SECRETS_KEY is not set and ${join(dataDir, "secrets.key")} does not exist); give every engine process the key of the server that saved the secret (key ${keyId}) in FLOWDECK_SECRETS_KEY`,
        },
      });

      process.env.FLOWDECK_SECRETS_KEY = KEY_A;
      const row = await h.db.secret.findUniqueOrThrow({ where: { name: "API_KEY" } });
      const flipped = Buffer.from(row.ciphertext, "base64");
      flipped[0] = flipped[0]! ^ 0xff;
      await h.db.secret.update({ where: { name: "API_KEY" }, data: { ciphertext: flipped.toString("base64") } });
      expect(await resolve()).toMatchObject({ ok: false, error: { code: "SECRET_UNREADABLE", message: expect.stringContaining("secret API_KEY could not be decrypted") } });

      process.env.FLOWDECK_SECRETS_KEY = "not-a-key";
      expect(await resolve()).toMatchObject({ ok: false, error: { code: "SECRETS_KEY_INVALID", message: expect.stringContaining("FLOWDECK_SECRETS_KEY must be a 32-byte key") } });
    });

    it("loads nothing for params that read no secret, and refuses params that read one where they may not (a definition stored another way)", async () => {
      expect(await secretsForTask(h.db, "http", { url: "https://x.example", headers: { a: "{% $vars.a %}" } }, "tasks.t.params", "t")).toEqual({ ok: true, secrets: undefined });
      await setSecret(h.db, "ARGS_KEY", { value: "in-args" }, "test");
      expect(await secretsForTask(h.db, "shell", { command: "curl", args: ["{% $secrets.ARGS_KEY %}"] }, "tasks.sh.params", "sh")).toEqual({
        ok: false,
        error: { code: "SECRET_NOT_ALLOWED", message: expect.stringMatching(/^tasks\.sh\.params\.args\[0\]: task "sh" reads \$secrets\.ARGS_KEY here: secrets may be used only in/) },
      });
    });
  });

  describe("definitions", () => {
    const reading = (name: string, secret: string) => ({
      name,
      tasks: [{ key: "call", type: "http", params: { url: "http://127.0.0.1:1/x", headers: { Authorization: `{% 'Bearer ' & $secrets.${secret} %}` } } }],
    });

    it("are refused at save when they read an unknown secret (400 naming the task's path and the secret), and saved once it exists", async () => {
      const name = uniqueName("reads-unknown");
      const error = await refusal(saveDefinition(h.db, reading(name, "NOT_THERE"), "test"));
      expect(error.httpStatus).toBe(400);
      expect(error.message).toBe(
        'tasks[0].params.headers.Authorization: task "call" reads secret NOT_THERE, which does not exist: add it under Settings → Secrets (or PUT /api/secrets/NOT_THERE) first',
      );
      expect(error.details).toEqual([{ path: "tasks[0].params.headers.Authorization", message: expect.stringContaining("reads secret NOT_THERE, which does not exist") }]);
      expect(await h.db.workflowDefinition.count({ where: { name } })).toBe(0);

      const imported = await refusal(importWorkflows(h.db, [reading(`${name}-a`, "A_KNOWN"), reading(`${name}-b`, "NOT_THERE")], "test"));
      expect(imported.details.map((detail) => detail.path)).toEqual(["[0].tasks[0].params.headers.Authorization", "[1].tasks[0].params.headers.Authorization"]);
      expect(await h.db.workflowDefinition.count({ where: { name: { startsWith: name } } })).toBe(0);

      await setSecret(h.db, "NOT_THERE", { value: "now-it-is" }, "test");
      expect((await saveDefinition(h.db, reading(name, "NOT_THERE"), "test")).created).toBe(true);
    });

    it("are refused at save when they read a secret where it would be stored (a worker task's input, a transform)", async () => {
      await setSecret(h.db, "DEPLOY_KEY", { value: "k" }, "test");
      const error = await refusal(
        saveDefinition(h.db, { name: uniqueName("misplaced"), tasks: [{ key: "job", type: "worker", input: { key: "{% $secrets.DEPLOY_KEY %}" }, params: { taskType: "deploy" } }] }, "test"),
      );
      expect(error.details).toEqual([{ path: "tasks[0].input.key", message: expect.stringContaining("secrets are not sent to external workers") }]);
    });

    it("export only the names: the definition never holds a value", async () => {
      const value = `export-${randomBytes(8).toString("hex")}`;
      await setSecret(h.db, "EXPORTED", { value }, "test");
      const name = uniqueName("exported");
      await saveDefinition(h.db, reading(name, "EXPORTED"), "test");
      const exported = await exportWorkflow(h.db, name);
      expect(exported.text).toContain("$secrets.EXPORTED");
      expect(exported.text).not.toContain(value);
      expect(JSON.stringify(await getWorkflow(h.db, name))).not.toContain(value);
    });
  });

  describe("tasks", () => {
    it("http: the value reaches the server in headers, url, query and body; nothing stored of the attempt holds it", async () => {
      const value = `tok_${randomBytes(10).toString("hex")}`;
      const pathKey = `p${randomBytes(6).toString("hex")}`;
      await setSecret(h.db, "API_TOKEN", { value }, "test");
      await setSecret(h.db, "PATH_KEY", { value: pathKey }, "test");
      const before = server.requests.length;
      const execution = await run(h, "secret-http", {
        tasks: [
          {
            key: "call",
            type: "http",
            params: {
              url: `{% '${server.url}/echo/' & $secrets.PATH_KEY %}`,
              method: "POST",
              headers: { Authorization: "{% 'Bearer ' & $secrets.API_TOKEN %}" },
              query: { token: "{% $secrets.API_TOKEN %}" },
              body: { credentials: { token: "{% $secrets.API_TOKEN %}" } },
            },
          },
          { key: "after", type: "transform", dependsOn: ["call"], params: { output: "{% $tasks.call.output.body.headers.authorization %}" } },
        ],
      });
      expect(execution.status).toBe("COMPLETED");
      const received = server.requests.slice(before);
      expect(received).toHaveLength(1);
      expect(received[0]!.headers.authorization).toBe(`Bearer ${value}`);
      expect(received[0]!.path).toBe(`/echo/${pathKey}`);
      expect(received[0]!.query).toEqual({ token: value });
      expect(JSON.parse(received[0]!.body)).toEqual({ credentials: { token: value } });

      const call = taskOf(execution, "call").attempts[0]!;
      expect(call.output).toMatchObject({
        status: 200,
        headers: { "x-echo": "Bearer [secret:API_TOKEN]" },
        body: { path: "/echo/[secret:PATH_KEY]", query: { token: "[secret:API_TOKEN]" }, headers: { authorization: "Bearer [secret:API_TOKEN]" } },
      });
      // What downstream tasks see is the masked output too.
      expect(taskOf(execution, "after").attempts[0]!.output).toBe("Bearer [secret:API_TOKEN]");
      const stored = await everythingStored(h.db, execution.id);
      expect(stored).not.toContain(value);
      expect(stored).not.toContain(pathKey);
      expect(stored).toContain("[secret:API_TOKEN]");
    });

    it("http: an error that quotes the value is masked too", async () => {
      const value = `bad_${randomBytes(8).toString("hex")}`;
      await setSecret(h.db, "REJECTED_KEY", { value }, "test");
      const execution = await run(h, "secret-http-401", {
        tasks: [{ key: "call", type: "http", params: { url: `${server.url}/deny`, headers: { "x-api-key": "{% $secrets.REJECTED_KEY %}" } } }],
      });
      expect(execution.status).toBe("FAILED");
      const error = taskOf(execution, "call").attempts[0]!.error as { code: string; message: string };
      expect(error.code).toBe("HTTP_401");
      expect(error.message).toContain("token [secret:REJECTED_KEY] is not valid");
      expect(await everythingStored(h.db, execution.id)).not.toContain(value);
    });

    it("shell: the value reaches the command's env; stdout, stderr and logs are masked", async () => {
      const value = `sh_${randomBytes(10).toString("hex")}`;
      await setSecret(h.db, "SHELL_TOKEN", { value }, "test");
      const shellEngine = new Engine(h.db, provider, { shellEnabled: true, pollIntervalMs: 25, timerIntervalMs: 20, engineId: `shell-${provider}` });
      await h.engine.stop(); // only the shell-enabled engine claims the task
      shellEngine.start();
      try {
        const execution = await run(h, "secret-shell", {
          tasks: [
            {
              key: "cmd",
              type: "shell",
              params: { command: process.execPath, args: ["-e", "console.log('got', process.env.TOKEN); console.error('err', process.env.TOKEN)"], env: { TOKEN: "{% $secrets.SHELL_TOKEN %}" } },
            },
          ],
        });
        expect(execution.status).toBe("COMPLETED");
        const attempt = taskOf(execution, "cmd").attempts[0]!;
        expect(attempt.output).toMatchObject({ exitCode: 0, stdout: "got [secret:SHELL_TOKEN]\n", stderr: "err [secret:SHELL_TOKEN]\n" });
        // The live log lines are masked as they are written.
        const logs = await h.db.taskLog.findMany({ where: { executionId: execution.id }, orderBy: { id: "asc" } });
        expect(logs.map((line) => [line.stream, line.message]).sort()).toEqual([["stderr", "err [secret:SHELL_TOKEN]"], ["stdout", "got [secret:SHELL_TOKEN]"]]);
        const stored = await everythingStored(h.db, execution.id);
        expect(stored).toContain("got [secret:SHELL_TOKEN]");
        expect(stored).not.toContain(value);
      } finally {
        await shellEngine.stop();
        h.engine.start();
      }
    });

    it("a secret deleted after the save fails its task with SECRET_NOT_FOUND naming it", async () => {
      await setSecret(h.db, "GOES_AWAY", { value: "soon-gone" }, "test");
      const workflow = await saveWorkflow(h, "secret-deleted", {
        tasks: [{ key: "call", type: "http", params: { url: `${server.url}/echo`, headers: { k: "{% $secrets.GOES_AWAY %}" } } }],
      });
      await deleteSecret(h.db, "GOES_AWAY");
      const before = server.requests.length;
      const execution = await startExecution(h.db, { workflow, waitSeconds: 20 }, "test");
      expect(execution.status).toBe("FAILED");
      expect(taskOf(execution, "call").attempts[0]!.error).toEqual({
        code: "SECRET_NOT_FOUND",
        message: "tasks.call.params.headers.k reads secret GOES_AWAY, which does not exist (it was deleted, or never added): add it under Settings → Secrets",
      });
      expect(server.requests.length).toBe(before);
    });

    it("under another key the task fails with SECRET_KEY_MISMATCH, nothing is sent, and the engine carries on", async () => {
      await setSecret(h.db, "KEYED", { value: "sealed-under-a" }, "test");
      const workflow = await saveWorkflow(h, "secret-other-key", {
        tasks: [{ key: "call", type: "http", params: { url: `${server.url}/echo`, headers: { k: "{% $secrets.KEYED %}" } } }],
      });
      process.env.FLOWDECK_SECRETS_KEY = KEY_B;
      const before = server.requests.length;
      const failed = await startExecution(h.db, { workflow, waitSeconds: 20 }, "test");
      expect(failed.status).toBe("FAILED");
      expect(taskOf(failed, "call").attempts[0]!.error).toMatchObject({ code: "SECRET_KEY_MISMATCH", message: expect.stringContaining("secret KEYED was encrypted with key") });
      expect(server.requests.length).toBe(before);
      process.env.FLOWDECK_SECRETS_KEY = KEY_A;
      const next = await startExecution(h.db, { workflow, waitSeconds: 20 }, "test");
      expect(next.status).toBe("COMPLETED");
      expect(server.requests.at(-1)!.headers.k).toBe("sealed-under-a");
    });
  });
});
