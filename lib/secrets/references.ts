// Which secrets a definition reads, and where. Pure (no I/O): the save check
// (lib/secrets/definitions.ts) and the runner (lib/secrets/resolve.ts) both use it.
//
// A secret is read as `$secrets.NAME` inside an expression, and only where its value is sent and
// never stored: an `http` task's url, headers, query and body, and a `shell` task's env (also as
// a map's item task). Anywhere else — a task's input or `when`, a transform's output, a worker
// task (its input is stored and handed to the worker), shell args (visible in `ps`) — the value
// would end up stored or shown, so a definition doing it is refused when it is saved.
// `$secrets` on its own (`$lookup($secrets, $k)`, `$keys($secrets)`) is refused too: which secrets
// a task reads must be known when it is saved, so they can be checked and loaded by name.
import { findExpressions, parseExpression } from "@/lib/workflow/expressions";
import type { ValidationIssue } from "@/lib/workflow/paths";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { isSecretName, quoteName, SECRET_NAME_RULE } from "@/lib/secrets/names";

/** One `$secrets.NAME` of a definition: the path of the string that holds it, and the name. */
export type SecretReference = { path: string; name: string; taskKey?: string };

/** The params of each task type (also as a map's item task) where a secret may be read. */
export const SECRET_PARAMS: Readonly<Record<string, readonly string[]>> = {
  http: ["url", "headers", "query", "body"],
  shell: ["env"],
};

export const WHERE_SECRETS_GO = "secrets may be used only in an http task's url, headers, query or body and in a shell task's env, where their values are sent but never stored";

type Found = { names: { name: string; position: number }[]; bare: number[] };

/** `$secrets.NAME` steps and bare uses of `$secrets` in a parsed expression's AST. */
function scan(node: unknown, found: Found, depth: number): void {
  if (depth > 10_000 || typeof node !== "object" || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) scan(item, found, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  if (record.type === "path" && Array.isArray(record.steps)) {
    const [first, second, ...rest] = record.steps as Array<Record<string, unknown> | undefined>;
    if (isSecretsVariable(first) && first!.predicate === undefined && first!.stages === undefined && second?.type === "name" && typeof second.value === "string") {
      found.names.push({ name: second.value, position: Number(second.position ?? 0) });
      scan(second.stages, found, depth + 1);
      scan(second.predicate, found, depth + 1);
      scan(rest, found, depth + 1);
      return;
    }
  }
  if (isSecretsVariable(record)) found.bare.push(Number(record.position ?? 0));
  for (const key of Object.keys(record)) scan(record[key], found, depth + 1);
}

function isSecretsVariable(node: Record<string, unknown> | undefined): boolean {
  return node?.type === "variable" && node.value === "secrets";
}

/** Whether an expression (or any string of a template) may read secrets at all: a cheap text test. */
export function mentionsSecrets(template: unknown): boolean {
  return JSON.stringify(template ?? null).includes("$secrets");
}

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`);
}

export type SecretUse = { references: SecretReference[]; issues: ValidationIssue[] };

/**
 * The secrets read by the expressions of `template` (whose path is `basePath`), and the issues:
 * a use outside `allowedRoots` (paths), a bare `$secrets`, a name that is not a secret name.
 * `describe(path)` says whose expression it is, for the messages (`who`: e.g. `task "call"`; `hint`:
 * added to a refusal of a use outside the allowed roots).
 */
export function secretUse(template: unknown, basePath: string, allowedRoots: readonly string[], describe: (path: string) => { who: string; hint?: string }): SecretUse {
  const use: SecretUse = { references: [], issues: [] };
  if (!mentionsSecrets(template)) return use;
  for (const expression of findExpressions(template, basePath)) {
    if (!expression.source.includes("$secrets")) continue;
    const parsed = parseExpression(expression.source);
    if (!parsed.ok) continue; // reported by the definition's own validation
    const found: Found = { names: [], bare: [] };
    scan(parsed.ast, found, 0);
    const { who, hint = "" } = describe(expression.path);
    const allowed = allowedRoots.some((root) => under(expression.path, root));
    for (const { name } of found.names) {
      if (!isSecretName(name)) {
        use.issues.push({ path: expression.path, code: "invalid_secret_name", message: `${who} reads $secrets.${name}: ${quoteName(name)} is not a valid secret name; ${SECRET_NAME_RULE}` });
      } else if (!allowed) {
        use.issues.push({ path: expression.path, code: "secret_not_allowed_here", message: `${who} reads $secrets.${name} here: ${WHERE_SECRETS_GO}${hint}` });
      } else if (!use.references.some((reference) => reference.path === expression.path && reference.name === name)) {
        use.references.push({ path: expression.path, name });
      }
    }
    if (found.bare.length > 0) {
      use.issues.push({
        path: expression.path,
        code: "secret_dynamic_access",
        message: `${who} uses $secrets without a name: write $secrets.NAME (e.g. $secrets.GITHUB_TOKEN), so that the secrets a task reads are known when it is saved`,
      });
    }
  }
  return use;
}

const WORKER_HINT = "; secrets are not sent to external workers (a worker task's input is stored and handed over as it is): give the worker its own credentials";

/** Every secret a definition reads, with the issues of the ones it may not read where it does. */
export function definitionSecretUse(definition: WorkflowDefinition): SecretUse {
  if (!mentionsSecrets(definition)) return { references: [], issues: [] };
  const allowedRoots: string[] = [];
  const taskOfPath = new Map<string, { key: string; worker: boolean }>();
  definition.tasks.forEach((task, index) => {
    const at = `tasks[${index}]`;
    for (const param of SECRET_PARAMS[task.type] ?? []) allowedRoots.push(`${at}.params.${param}`);
    const item = task.type === "map" ? task.params.task : undefined;
    for (const param of item ? (SECRET_PARAMS[item.type] ?? []) : []) allowedRoots.push(`${at}.params.task.params.${param}`);
    taskOfPath.set(at, { key: task.key, worker: task.type === "worker" || item?.type === "worker" });
  });
  const taskAt = (path: string) => taskOfPath.get(/^tasks\[\d+\]/.exec(path)?.[0] ?? "");
  const use = secretUse(definition, "", allowedRoots, (path) => {
    const task = taskAt(path);
    if (!task) return { who: `the expression at ${path || "(root)"}` };
    return { who: `task "${task.key}"`, ...(task.worker ? { hint: WORKER_HINT } : {}) };
  });
  for (const reference of use.references) reference.taskKey = taskAt(reference.path)?.key;
  return use;
}
