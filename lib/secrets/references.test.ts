import { describe, expect, it } from "vitest";
import { definitionSecretUse, mentionsSecrets, secretUse, WHERE_SECRETS_GO } from "@/lib/secrets/references";
import { validateDefinition } from "@/lib/workflow/validate";
import type { WorkflowDefinition } from "@/lib/workflow/schema";

function definition(tasks: unknown[], extra: Record<string, unknown> = {}): WorkflowDefinition {
  const result = validateDefinition({ name: "secret-refs", tasks, ...extra });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

const http = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ key: "call", type: "http", params: { url: "https://api.example/x", ...params }, ...extra });

describe("definitionSecretUse", () => {
  it("finds $secrets.NAME in an http task's url, headers, query and body, and in a shell task's env (also as a map's item task)", () => {
    const use = definitionSecretUse(
      definition([
        http({
          url: "{% 'https://api.example/' & $secrets.PATH_KEY %}",
          headers: { Authorization: "{% 'Bearer ' & $secrets.GITHUB_TOKEN %}", "x-two": "{% $secrets.A & $secrets.`B` %}" },
          query: { key: "{% $secrets.API_KEY %}" },
          body: { nested: ["{% $uppercase($secrets.BODY_KEY) %}"] },
        }),
        { key: "sh", type: "shell", params: { command: "env", env: { TOKEN: "{% $secrets.GITHUB_TOKEN %}" } } },
        { key: "each", type: "map", params: { items: [1], task: { type: "http", params: { url: "https://x.example", headers: { k: "{% $secrets.ITEM_KEY %}" } } } } },
      ]),
    );
    expect(use.issues).toEqual([]);
    expect(use.references).toEqual([
      { path: "tasks[0].params.url", name: "PATH_KEY", taskKey: "call" },
      { path: "tasks[0].params.headers.Authorization", name: "GITHUB_TOKEN", taskKey: "call" },
      { path: 'tasks[0].params.headers["x-two"]', name: "A", taskKey: "call" },
      { path: 'tasks[0].params.headers["x-two"]', name: "B", taskKey: "call" },
      { path: "tasks[0].params.query.key", name: "API_KEY", taskKey: "call" },
      { path: "tasks[0].params.body.nested[0]", name: "BODY_KEY", taskKey: "call" },
      { path: "tasks[1].params.env.TOKEN", name: "GITHUB_TOKEN", taskKey: "sh" },
      { path: "tasks[2].params.task.params.headers.k", name: "ITEM_KEY", taskKey: "each" },
    ]);
  });

  it("refuses a secret where its value would be stored or shown, naming the task and path", () => {
    const use = definitionSecretUse(
      definition(
        [
          http({}, { input: { token: "{% $secrets.T1 %}" }, when: "{% $secrets.T2 = 'x' %}" }),
          { key: "calc", type: "transform", dependsOn: ["call"], params: { output: "{% $secrets.T3 %}" } },
          { key: "job", type: "worker", input: { token: "{% $secrets.T4 %}" }, params: { taskType: "deploy" } },
          { key: "sh", type: "shell", params: { command: "curl", args: ["{% $secrets.T5 %}"] } },
        ],
        { output: { leaked: "{% $secrets.T6 %}" } },
      ),
    );
    expect(use.references).toEqual([]);
    expect(use.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ["tasks[0].when", "secret_not_allowed_here"],
      ["tasks[0].input.token", "secret_not_allowed_here"],
      ["tasks[1].params.output", "secret_not_allowed_here"],
      ["tasks[2].input.token", "secret_not_allowed_here"],
      ["tasks[3].params.args[0]", "secret_not_allowed_here"],
      ["output.leaked", "secret_not_allowed_here"],
    ]);
    expect(use.issues[5]!.message).toBe(`the expression at output.leaked reads $secrets.T6 here: ${WHERE_SECRETS_GO}`);
    expect(use.issues[1]!.message).toBe(`task "call" reads $secrets.T1 here: ${WHERE_SECRETS_GO}`);
    expect(use.issues[3]!.message).toBe(
      `task "job" reads $secrets.T4 here: ${WHERE_SECRETS_GO}; secrets are not sent to external workers (a worker task's input is stored and handed over as it is): give the worker its own credentials`,
    );
  });

  it("refuses $secrets without a name, and a name that is not a secret name", () => {
    const use = definitionSecretUse(
      definition([
        http({
          headers: {
            a: "{% $lookup($secrets, 'A') %}",
            b: "{% $keys($secrets)[0] %}",
            c: "{% $secrets[0] %}",
            d: "{% $secrets.github_token %}",
            e: "{% ($secrets).A %}",
          },
        }),
      ]),
    );
    expect(use.references).toEqual([]);
    expect(use.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ["tasks[0].params.headers.a", "secret_dynamic_access"],
      ["tasks[0].params.headers.b", "secret_dynamic_access"],
      ["tasks[0].params.headers.c", "secret_dynamic_access"],
      ["tasks[0].params.headers.d", "invalid_secret_name"],
      ["tasks[0].params.headers.e", "secret_dynamic_access"],
    ]);
    expect(use.issues[0]!.message).toBe('task "call" uses $secrets without a name: write $secrets.NAME (e.g. $secrets.GITHUB_TOKEN), so that the secrets a task reads are known when it is saved');
    expect(use.issues[3]!.message).toBe(
      "task \"call\" reads $secrets.github_token: 'github_token' is not a valid secret name; secret names use A–Z, 0–9 and _, start with a letter or _, and have at most 64 characters (e.g. GITHUB_TOKEN)",
    );
  });

  it("finds nothing in a definition that does not mention $secrets, or only names a variable like it", () => {
    expect(definitionSecretUse(definition([http({ headers: { a: "{% $vars.secretsUrl %}" } })], { variables: { secretsUrl: "x" } }))).toEqual({ references: [], issues: [] });
    expect(mentionsSecrets({ a: "$secrets" })).toBe(true);
    expect(mentionsSecrets({ a: "{% $vars.x %}" })).toBe(false);
  });
});

describe("secretUse (a task's params at run time)", () => {
  it("takes the allowed roots under the params' path", () => {
    const params = { url: "https://x.example", headers: { a: "{% $secrets.A %}" }, method: "{% $secrets.B %}" };
    const use = secretUse(params, "tasks.call.params", ["tasks.call.params.headers"], () => ({ who: 'task "call"' }));
    expect(use.references).toEqual([{ path: "tasks.call.params.headers.a", name: "A" }]);
    expect(use.issues.map((issue) => issue.path)).toEqual(["tasks.call.params.method"]);
  });
});
