// The real `flowdeck` CLI (bin/flowdeck.mjs, a child process) against the real production server
// of the e2e run: no browser. Covers the exit codes scripts branch on and the bad-input paths:
// an unreachable server (exit 4 naming the URL), a wrong token, an input file that is not JSON
// (path and line), rerun --from an unknown task, a --wait that times out.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";

type Run = { code: number | null; stdout: string; stderr: string };

let token = "";
let baseURL = "";
const dir = join(process.cwd(), ".tmp");
mkdirSync(dir, { recursive: true });
const work = mkdtempSync(join(dir, "e2e-cli-"));

function flowdeck(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(process.cwd(), "bin", "flowdeck.mjs"), ...args], {
      cwd: work, // not the repo: the CLI must find its own tsconfig
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", FLOWDECK_URL: baseURL, FLOWDECK_TOKEN: token, ...env } as unknown as NodeJS.ProcessEnv,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const workflows = [
  { name: "cli-ok", tasks: [{ key: "a", type: "transform", params: { output: { n: "{% $input.n * 2 %}" } } }, { key: "b", type: "transform", dependsOn: ["a"], params: { output: { done: true } } }] },
  { name: "cli-fails", tasks: [{ key: "stop", type: "terminate", params: { status: "FAILED", reason: "on purpose" } }] },
  { name: "cli-slow", tasks: [{ key: "nap", type: "wait", params: { durationMs: 60_000 } }] },
];

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }, info) => {
  baseURL = info.project.use.baseURL!;
  const response = await request.post("/api/tokens", { data: { name: `cli-e2e-${Date.now()}`, role: "admin" } });
  expect(response.status(), await response.text()).toBe(201);
  token = ((await response.json()) as { token: string }).token;
});

test("help, usage errors and connection errors have their exit codes", async () => {
  const help = await flowdeck(["--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("Exit codes:");
  expect(help.stdout).toMatch(/execute \[options\] <workflows\.\.\.>/);
  const executeHelp = await flowdeck(["execute", "--help"]);
  expect(executeHelp.code).toBe(0);
  expect(executeHelp.stdout).toContain("--parallel <n>");
  expect(executeHelp.stdout).toContain("3  --wait timed out");
  expect(executeHelp.stdout).not.toContain("\x1b["); // no colours off a terminal

  const unknown = await flowdeck(["frobnicate"]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  const conflicting = await flowdeck(["execute", "cli-ok", "--wait", "--serial", "--parallel", "2"]);
  expect(conflicting.code).toBe(2);
  expect(conflicting.stderr).toContain("give --parallel N or --serial, not both");

  const unreachable = await flowdeck(["workflow", "list"], { FLOWDECK_URL: "http://127.0.0.1:3399" });
  expect(unreachable.code).toBe(4);
  expect(unreachable.stderr).toContain("cannot reach the Flowdeck server at http://127.0.0.1:3399");
  const wrongToken = await flowdeck(["workflow", "list"], { FLOWDECK_TOKEN: "fdk_not_a_real_token" });
  expect(wrongToken.code).toBe(4);
  expect(wrongToken.stderr).toContain(`${baseURL} refused the credentials (the token is not accepted)`);
  const noToken = await flowdeck(["workflow", "list"], { FLOWDECK_TOKEN: "" });
  expect(noToken.code).toBe(4);
  expect(noToken.stderr).toContain("no token given: set FLOWDECK_TOKEN or --token");
});

test("workflow import, list, get, export and delete; a file that is not JSON is named with its line", async () => {
  const file = join(work, "workflows.json");
  writeFileSync(file, JSON.stringify(workflows, null, 2));
  const imported = await flowdeck(["workflow", "import", file]);
  expect(imported.stderr).toBe("");
  expect(imported.code).toBe(0);
  expect(imported.stdout).toContain("cli-ok: saved v1");

  const bad = join(work, "bad.json");
  writeFileSync(bad, '{\n  "name": "cli-bad",\n  "tasks": [,]\n}\n');
  const refused = await flowdeck(["workflow", "import", bad]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(`${bad}:3:`);
  expect(refused.stderr).toContain("not valid JSON");

  const list = await flowdeck(["--json", "workflow", "list"]);
  expect(list.code).toBe(0);
  expect((JSON.parse(list.stdout) as { name: string }[]).map((w) => w.name)).toEqual(expect.arrayContaining(["cli-ok", "cli-fails", "cli-slow"]));
  const get = await flowdeck(["workflow", "get", "cli-ok"]);
  expect(JSON.parse(get.stdout)).toMatchObject({ name: "cli-ok", tasks: [{ key: "a" }, { key: "b" }] });
  const missing = await flowdeck(["workflow", "get", "cli-nope"]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("workflow 'cli-nope' not found");

  const out = join(work, "cli-ok.json");
  expect((await flowdeck(["workflow", "export", "cli-ok", "-o", out])).code).toBe(0);
  expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({ name: "cli-ok" });

  writeFileSync(join(work, "temp.json"), JSON.stringify({ name: "cli-temp", tasks: [{ key: "a", type: "transform", params: { output: {} } }] }));
  expect((await flowdeck(["workflow", "import", join(work, "temp.json")])).code).toBe(0);
  const deleted = await flowdeck(["workflow", "delete", "cli-temp"]);
  expect(deleted.code).toBe(0);
  expect(deleted.stdout).toContain("deleted cli-temp v1");
});

test("execute --wait: 0 when all complete (in parallel), 1 when one fails, 3 when the wait times out", async () => {
  const input = join(work, "input.json");
  writeFileSync(input, JSON.stringify({ n: 21 }));
  const ok = await flowdeck(["execute", "cli-ok", "cli-ok", "--input", `@${input}`, "--wait", "--parallel", "2", "--timeout", "60"]);
  expect(ok.stderr).toBe("");
  expect(ok.code).toBe(0);
  // Not a terminal: one line per execution and status change, the last one COMPLETED.
  expect(ok.stdout.split("\n").filter((l) => /^cli-ok {2}\S+ {2}COMPLETED {2}2\/2 tasks {2}\d+s$/.test(l)).length).toBe(2);

  const json = await flowdeck(["--json", "execute", "cli-ok", "--input", '{"n": 2}', "--wait", "--serial"]);
  expect(json.code).toBe(0);
  const outcomes = JSON.parse(json.stdout) as { workflow: string; id: string; status: string }[];
  expect(outcomes).toEqual([expect.objectContaining({ workflow: "cli-ok", status: "COMPLETED" })]);

  const failed = await flowdeck(["execute", "cli-ok", "cli-fails", "--wait", "--serial"]);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain("FAILED cli-fails");
  expect(failed.stderr).toContain("1 of 2 executions did not complete");

  const notJson = await flowdeck(["execute", "cli-ok", "--input", "{n: 1}"]);
  expect(notJson.code).toBe(2);
  expect(notJson.stderr).toContain("--input:1:2: not valid JSON");

  const slow = await flowdeck(["execute", "cli-slow", "--wait", "--timeout", "1"]);
  expect(slow.code).toBe(3);
  expect(slow.stderr).toContain("--timeout 1s: 1 execution still running");
  const slowId = /\b(\S+)\)/.exec(slow.stderr)?.[1] ?? "";
  expect(slowId).not.toBe("");
  // watch follows the live event stream of the running execution until it ends.
  const watching = flowdeck(["watch", slowId]);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const terminated = await flowdeck(["terminate", slowId, "--reason", "e2e: enough"]);
  expect(terminated.code).toBe(0);
  expect(terminated.stdout).toContain("TERMINATED");
  const watched = await watching;
  expect(watched.code, watched.stderr).toBe(1);
  expect(watched.stdout).toMatch(/cli-slow v1 {2}\S+ {2}RUNNING/); // the table while it ran
  expect(watched.stdout).toMatch(/cli-slow v1 {2}\S+ {2}TERMINATED/); // and when it ended
  expect(watched.stdout).toMatch(/\bnap\s+wait\s+/);
});

test("status, logs, execution list, and rerun --dry-run / --from an unknown task", async () => {
  const started = await flowdeck(["--json", "execute", "cli-ok", "--input", '{"n": 5}', "--wait"]);
  const id = (JSON.parse(started.stdout) as { id: string }[])[0]?.id;
  const raw = await flowdeck(["status", id!, "--raw"]);
  expect(raw.code).toBe(0);
  expect(JSON.parse(raw.stdout)).toMatchObject({ id, status: "COMPLETED", output: { a: { n: 10 }, b: { done: true } } });
  const human = await flowdeck(["status", id!]);
  expect(human.stdout).toMatch(/cli-ok v1 {2}\S+ {2}COMPLETED/);
  expect(human.stdout).toMatch(/\ba\s+transform\s+COMPLETED/);
  const logs = await flowdeck(["logs", id!, "--task", "a"]);
  expect(logs.code).toBe(0);
  expect(logs.stdout).toContain("── a attempt 1 COMPLETED");
  const noTask = await flowdeck(["logs", id!, "--task", "zz"]);
  expect(noTask.code).toBe(2);
  expect(noTask.stderr).toContain("has no task 'zz'; its tasks: a, b");

  const list = await flowdeck(["--json", "execution", "list", "--workflow", "cli-ok", "--status", "completed", "--limit", "50"]);
  expect(list.code).toBe(0);
  expect((JSON.parse(list.stdout) as { executions: { id: string }[] }).executions.map((e) => e.id)).toContain(id);

  const preview = await flowdeck(["rerun", id!, "--from", "b", "--dry-run"]);
  expect(preview.code).toBe(0);
  expect(preview.stdout).toContain("dry run: rerun would re-run 1 task: b");
  expect(preview.stdout).toContain("kept: a");
  const unknown = await flowdeck(["rerun", id!, "--from", "nope"]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("nope");
  const after = await flowdeck(["status", id!, "--raw"]);
  expect(JSON.parse(after.stdout)).toMatchObject({ status: "COMPLETED" }); // the refused rerun changed nothing
});

test("export --all then apply is a no-op; apply shows the semantic diff, is all or nothing, and --dry-run changes nothing", async () => {
  const repo = join(work, "repo");
  const exported = await flowdeck(["export", "--all", repo]);
  expect(exported.stderr).toBe("");
  expect(exported.code).toBe(0);
  const okFile = join(repo, "cli-ok.json");
  const text = readFileSync(okFile, "utf8");
  expect(text).not.toMatch(/"version"/); // no server-assigned version in files kept in git
  const versions = async () => Object.fromEntries((JSON.parse((await flowdeck(["--json", "workflow", "list"])).stdout) as { name: string; version: number }[]).map((w) => [w.name, w.version]));
  const before = await versions();

  const noop = await flowdeck(["apply", repo]);
  expect(noop.stderr).toBe("");
  expect(noop.code).toBe(0);
  expect(noop.stdout).toContain("= cli-ok unchanged");
  expect(noop.stdout).toMatch(/applied: 0 created, 0 updated, \d+ unchanged, 0 deleted/);
  expect(await versions()).toEqual(before);

  // A real change, a layout-only change (with $schema, which apply ignores) and a new workflow.
  const ok = JSON.parse(text) as { tasks: unknown[] };
  ok.tasks.push({ key: "c", type: "transform", dependsOn: ["b"], params: { output: { extra: true } } });
  writeFileSync(okFile, JSON.stringify(ok, null, 2));
  const slow = JSON.parse(readFileSync(join(repo, "cli-slow.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(repo, "cli-slow.json"), JSON.stringify({ $schema: `${baseURL}/schema/workflow.json`, ...slow, version: 99, layout: { nap: { x: 10, y: 20 } } }, null, 2));
  writeFileSync(join(repo, "cli-new.json"), JSON.stringify({ name: "cli-new", tasks: [{ key: "only", type: "transform", params: { output: {} } }] }));

  const dry = await flowdeck(["apply", repo, "--dry-run"]);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain("~ cli-ok update");
  expect(dry.stdout).toContain("+ task c");
  expect(dry.stdout).toContain("~ cli-slow update");
  expect(dry.stdout).toContain("layout only: 1 task moved (nap)");
  expect(dry.stdout).toContain("+ cli-new create");
  expect(dry.stdout).toContain("nothing was changed");
  expect(await versions()).toEqual(before);

  // One invalid file and a duplicate name: nothing is applied, each problem names its file.
  const broken = join(repo, "zz-broken.json");
  writeFileSync(broken, JSON.stringify({ name: "cli-broken", tasks: [{ key: "x", type: "transform", dependsOn: ["nope"], params: { output: {} } }] }));
  const duplicate = join(repo, "zz-duplicate.json");
  writeFileSync(duplicate, JSON.stringify({ name: "cli-ok", tasks: [{ key: "a", type: "transform", params: { output: {} } }] }));
  const refused = await flowdeck(["apply", repo]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("nothing was changed");
  expect(refused.stderr).toContain(`${broken}: tasks[0].dependsOn[0]:`);
  expect(refused.stderr).toContain(`${duplicate}: workflow 'cli-ok' is also defined in ${okFile}`);
  expect(await versions()).toEqual(before);
  const { rmSync } = await import("node:fs");
  rmSync(broken);
  rmSync(duplicate);

  const applied = await flowdeck(["apply", repo]);
  expect(applied.stderr).toBe("");
  expect(applied.code).toBe(0);
  expect(applied.stdout).toContain("applied: 1 created, 2 updated");
  const after = await versions();
  expect(after["cli-ok"]).toBe(before["cli-ok"]! + 1);
  expect(after["cli-slow"]).toBe(before["cli-slow"]! + 1);
  expect(after["cli-new"]).toBe(1);
  expect((await flowdeck(["apply", repo])).stdout).toMatch(/applied: 0 created, 0 updated/); // applying again: a no-op

  // --prune of workflows that executions pin is refused before anything changes.
  rmSync(join(repo, "cli-fails.json"));
  const prune = await flowdeck(["apply", repo, "--prune"]);
  expect(prune.code).toBe(1);
  expect(prune.stderr).toContain("apply --prune refused: executions pin 'cli-fails'");
  expect((await versions())["cli-fails"]).toBe(before["cli-fails"]);
});

test("worker runs a command per task: stdout JSON is the output, a non-zero exit fails the attempt; SIGTERM stops it", async ({ request }) => {
  const created = await request.post("/api/tokens", { data: { name: `cli-e2e-worker-${Date.now()}`, role: "worker" } });
  expect(created.status()).toBe(201);
  const workerToken = ((await created.json()) as { token: string }).token;
  const file = join(work, "worker-flow.json");
  writeFileSync(
    file,
    JSON.stringify({ name: "cli-worker", tasks: [{ key: "shell", type: "worker", params: { taskType: "cli.e2e" }, retry: { maximumAttempts: 1 } }] }),
  );
  expect((await flowdeck(["workflow", "import", file])).code).toBe(0);
  const script = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const i=JSON.parse(s);if(i.fail){console.error('asked to fail');process.exit(3)}console.log(JSON.stringify({twice:i.n*2,key:process.env.FLOWDECK_TASK_KEY}))})";
  const badToken = await flowdeck(["worker", "--type", "cli.e2e", "--", process.execPath, "-e", script], { FLOWDECK_TOKEN: "fdk_wrong" });
  expect(badToken.code).toBe(4);
  expect(badToken.stderr).toContain("refused the token");

  const worker = spawn(process.execPath, [join(process.cwd(), "bin", "flowdeck.mjs"), "worker", "--type", "cli.e2e", "--", process.execPath, "-e", script], {
    cwd: work,
    env: { PATH: process.env.PATH ?? "", FLOWDECK_URL: baseURL, FLOWDECK_TOKEN: workerToken } as unknown as NodeJS.ProcessEnv,
  });
  let workerLog = "";
  worker.stderr.on("data", (d: Buffer) => (workerLog += d.toString()));
  const exited = new Promise<number | null>((resolve) => worker.on("close", resolve));
  try {
    const ok = await flowdeck(["--json", "execute", "cli-worker", "--input", '{"n": 4}', "--wait", "--timeout", "60"]);
    expect(ok.code, workerLog).toBe(0);
    const id = (JSON.parse(ok.stdout) as { id: string }[])[0]!.id;
    expect(JSON.parse((await flowdeck(["status", id, "--raw"])).stdout)).toMatchObject({ tasks: [{ taskKey: "shell", attempts: [{ output: { twice: 8, key: "shell" } }] }] });
    const failed = await flowdeck(["execute", "cli-worker", "--input", '{"fail": true}', "--wait", "--timeout", "60"]);
    expect(failed.code, workerLog).toBe(1);
    expect(failed.stderr).toContain("exited with 3: asked to fail");
    // The command's stderr reached the attempt's log (streamed by the worker): `logs --grep` finds it.
    const listed = JSON.parse((await flowdeck(["--json", "execution", "list", "--workflow", "cli-worker", "--status", "failed", "--limit", "1"])).stdout) as { executions: { id: string }[] };
    const logs = await flowdeck(["logs", listed.executions[0]!.id, "--grep", "ASKED"]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/── shell attempt 1 FAILED\n\S+ worker asked to fail\n/);
    expect(logs.stdout).toContain("error: ");
  } finally {
    worker.kill("SIGTERM");
  }
  expect(await exited).toBe(0);
  expect(workerLog).toContain("stopping");
});

test("test runs the examples' test files (every case passes), shows a diff and exits 1 on a mismatch, 2 on an invalid file, 4 without a server", async () => {
  const examples = join(process.cwd(), "examples");
  const passed = await flowdeck(["test", examples]);
  expect(passed.code, passed.stdout + passed.stderr).toBe(0);
  expect(passed.stdout).toMatch(/^all passed: (\d+) of \1 cases passed in 11 files$/m);
  expect(passed.stdout).toContain("✓ pass");
  // The throwaway runs are nowhere in the executions list (no other spec runs this example).
  for (const workflow of ["user-email"]) {
    const listed = await flowdeck(["--json", "execution", "list", "--workflow", workflow]);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { executions: unknown[] }).executions, workflow).toEqual([]);
  }

  const definition = join(work, "doubler.json");
  writeFileSync(definition, JSON.stringify({ name: "cli-doubler", tasks: [{ key: "fetch", type: "http", params: { url: "https://example.invalid/n" } }, { key: "double", type: "transform", dependsOn: ["fetch"], params: { output: "{% $tasks.fetch.output.n * 2 %}" } }], output: "{% $tasks.double.output %}" }));
  const mismatch = join(work, "mismatch.test.json");
  writeFileSync(mismatch, JSON.stringify({ definition: "./doubler.json", cases: [
    { name: "doubles", mocks: { fetch: { output: { n: 21 } } }, expect: { status: "COMPLETED", output: 42 } },
    { name: "wrong on purpose", mocks: { fetch: { output: { n: 2 } } }, expect: { status: "COMPLETED", output: 5, tasks: { double: { output: 5 } } } },
  ] }));
  const failed = await flowdeck(["test", mismatch]);
  expect(failed.code, failed.stderr).toBe(1);
  expect(failed.stdout).toContain("✓ pass");
  expect(failed.stdout).toContain("✗ FAIL");
  expect(failed.stdout).toMatch(/output: - expected \+ actual\n\s+- 5\n\s+\+ 4/);
  expect(failed.stdout).toContain("1 failed: 1 of 2 cases passed");

  const unknownKey = join(work, "unknown-key.test.json");
  writeFileSync(unknownKey, JSON.stringify({ definition: "./doubler.json", cases: [{ name: "typo", mocks: { fetch: { output: { n: 1 } }, fecth: { output: 1 } }, expect: { status: "COMPLETED" } }] }));
  const refused = await flowdeck(["test", unknownKey]);
  expect(refused.code).toBe(2);
  expect(refused.stdout).toContain("cases[0].mocks.fecth: workflow 'cli-doubler' has no task 'fecth'");
  const unmocked = join(work, "unmocked.test.json");
  writeFileSync(unmocked, JSON.stringify({ definition: "./doubler.json", cases: [{ name: "real http", expect: { status: "COMPLETED" } }] }));
  const unmockedRun = await flowdeck(["test", unmocked]);
  expect(unmockedRun.code).toBe(2);
  expect(unmockedRun.stdout).toContain("tasks not mocked: fetch");

  const invalid = join(work, "invalid.test.json");
  writeFileSync(invalid, JSON.stringify({ definition: "./doubler.json", cases: [{ name: "no expect" }] }));
  const bad = await flowdeck(["test", invalid, mismatch]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain(`${invalid}: cases.0.expect:`);
  expect(bad.stdout).toBe(""); // nothing ran
  const unreachable = await flowdeck(["test", mismatch], { FLOWDECK_URL: "http://127.0.0.1:3399" });
  expect(unreachable.code).toBe(4);
  expect(unreachable.stderr).toContain("http://127.0.0.1:3399");
});
