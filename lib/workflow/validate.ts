/**
 * validateDefinition: every problem of a submitted definition, each with the path of the place in
 * the submitted JSON, a readable message and a stable code. Never throws.
 *
 * Pass 0 refuses what is not JSON at all (non-JSON values, `__proto__` keys, strings or keys with
 * a lone surrogate: refused, not normalised, see well-formed.ts). Then two passes, both always
 * run so that all problems are reported at once:
 * 1. the zod schema (types, required fields, unknown fields, formats), its issues reworded;
 * 2. the graph and expression checks on a loose reading of the input (duplicate keys, unknown or
 *    self dependencies, cycles, JSONata that does not parse, `$tasks.X` that is not upstream,
 *    switch branches, layout entries), which work even where pass 1 found problems.
 */
import type * as z from "zod";
import { inspectTemplate } from "./expressions";
import { buildTaskGraph } from "./graph";
import { formatPath, joinPath, type ValidationIssue } from "./paths";
import { TASK_TYPES, TRIGGER_TYPES, workflowDefinitionSchema, type WorkflowDefinition } from "./schema";
import { illFormedMessage, loneSurrogate, type IllFormedText } from "./well-formed";
import { versionLabel, workflowReferences } from "./references";
import { switchWarnings } from "./switch-branches";
import { checkTriggers } from "./trigger-checks";

export type { ValidationIssue } from "./paths";

/**
 * A valid definition may still have warnings: things that are allowed but likely wrong (a task
 * that runs this very workflow). Warnings never stop a save; lib/services/workflows.ts adds those
 * that need the stored workflows (unknown workflow names).
 */
export type ValidationResult =
  | { ok: true; definition: WorkflowDefinition; warnings: ValidationIssue[] }
  | { ok: false; errors: ValidationIssue[] };

/** Deepest nesting of a definition (objects and arrays); deeper input is refused before parsing. */
export const MAX_DEFINITION_DEPTH = 64;
/** Most JSON values (objects, arrays, primitives) in a definition. */
export const MAX_DEFINITION_NODES = 1_000_000;

export function validateDefinition(input: unknown): ValidationResult {
  try {
    return validate(input);
  } catch (error) {
    // Nothing above is meant to throw; this keeps the promise for inputs nobody foresaw
    // (getters that throw, proxies, …).
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      errors: [{ path: "", code: "unreadable", message: `the definition could not be read: ${detail}` }],
    };
  }
}

function validate(input: unknown): ValidationResult {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [
        { path: "", code: "invalid_type", message: `the definition must be a JSON object, got ${describeValue(input)}` },
      ],
    };
  }
  const scan = scanJson(input);
  if (scan.fatal) return { ok: false, errors: scan.issues };

  const issues: ValidationIssue[] = [...scan.issues];
  const parsed = workflowDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const scanned = scan.issues.map((issue) => issue.path);
    const coveredByScan = (path: string) =>
      scanned.some((inner) => inner === path || inner.startsWith(`${path}.`) || inner.startsWith(`${path}[`));
    for (const issue of parsed.error.issues) {
      // What the scan found (non-JSON values, "__proto__" keys) is reported once, by the scan. A
      // task key whose value is "__proto__" is the schema's to report ("invalid").
      issues.push(
        ...rewordZodIssue(issue, input).filter(
          (reworded) =>
            (reworded.code === "invalid" || !reworded.message.includes('"__proto__"')) && !coveredByScan(reworded.path),
        ),
      );
    }
  }
  issues.push(...checkSemantics(input as Record<string, unknown>));

  const errors = sortIssues(dedupe(issues));
  if (errors.length > 0 || !parsed.success) {
    return { ok: false, errors: errors.length > 0 ? errors : [{ path: "", code: "invalid", message: "invalid definition" }] };
  }
  return { ok: true, definition: parsed.data, warnings: definitionWarnings(parsed.data) };
}

/** The warnings of a valid definition (see ValidationResult). */
export function definitionWarnings(definition: WorkflowDefinition): ValidationIssue[] {
  const selfReferences = workflowReferences(definition)
    .filter((reference) => reference.workflow === definition.name)
    .map((reference) => ({
      path: reference.path,
      code: "self_workflow_reference",
      message: `task "${reference.taskKey}" runs this workflow itself${versionLabel(reference)}: every execution starts another one, without end unless a condition stops it`,
    }));
  return [...selfReferences, ...switchWarnings(definition)];
}

// ---------------------------------------------------------------------------------------------
// Pass 0: is it JSON at all, and small enough to look at?

function scanJson(input: object): { fatal: boolean; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  interface Frame {
    value: unknown;
    depth: number;
    parent: Frame | undefined;
    segment: string | number | undefined;
  }
  const pathOf = (frame: Frame): string => {
    const segments: Array<string | number> = [];
    for (let at: Frame | undefined = frame; at?.segment !== undefined; at = at.parent) segments.push(at.segment);
    return formatPath(segments.reverse());
  };
  const stack: Frame[] = [{ value: input, depth: 0, parent: undefined, segment: undefined }];
  let nodes = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    nodes += 1;
    if (nodes > MAX_DEFINITION_NODES) {
      return {
        fatal: true,
        issues: [{ path: "", code: "too_large", message: `the definition has more than ${MAX_DEFINITION_NODES} values` }],
      };
    }
    if (frame.depth > MAX_DEFINITION_DEPTH) {
      return {
        fatal: true,
        issues: [
          {
            path: pathOf(frame),
            code: "too_deep",
            message: `the definition is nested deeper than ${MAX_DEFINITION_DEPTH} levels`,
          },
        ],
      };
    }
    if (typeof value === "string") {
      const lone = loneSurrogate(value);
      if (lone) issues.push(illFormed(pathOf(frame), { path: "", in: "value", ...lone }));
      continue;
    }
    if (value === null || typeof value === "boolean") continue;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) issues.push({ path: pathOf(frame), code: "not_json", message: "must be a finite number" });
      continue;
    }
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) {
        stack.push({ value: value[index], depth: frame.depth + 1, parent: frame, segment: index });
      }
      continue;
    }
    if (typeof value === "object") {
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) {
        issues.push({ path: pathOf(frame), code: "not_json", message: "must be a JSON value" });
        continue;
      }
      const keys = Object.keys(value);
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        const key = keys[index]!;
        const child: Frame = { value: (value as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, segment: key };
        const loneInKey = loneSurrogate(key);
        if (loneInKey) {
          issues.push(illFormed(pathOf(child), { path: "", in: "key", ...loneInKey }));
          continue;
        }
        if (key === "__proto__") {
          issues.push({ path: pathOf(child), code: "forbidden_key", message: 'the key "__proto__" is not allowed' });
          continue;
        }
        // An undefined field is an absent field (JSON has no undefined).
        if (child.value !== undefined) stack.push(child);
      }
      continue;
    }
    issues.push({ path: pathOf(frame), code: "not_json", message: `must be a JSON value, got ${typeof value}` });
  }
  return { fatal: false, issues };
}

/** Lone surrogates are refused, not normalised (see well-formed.ts). */
function illFormed(path: string, found: IllFormedText): ValidationIssue {
  return { path, code: "ill_formed_string", message: illFormedMessage(found) };
}

// ---------------------------------------------------------------------------------------------
// Pass 1: zod's issues, reworded

type ZodIssue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = root;
  for (const segment of path) {
    if (typeof at !== "object" || at === null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(at, segment)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[segment];
  }
  return at;
}

function fieldLabel(path: readonly PropertyKey[]): string {
  const last = path[path.length - 1];
  if (last === undefined) return "definition";
  if (typeof last === "number") {
    const parent = path[path.length - 2];
    return `${parent === undefined ? "" : String(parent)}[${last}]`;
  }
  return String(last);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string") return `string ${truncate(JSON.stringify(value))}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return typeof value;
}

function truncate(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
  record: "an object",
};

function rewordZodIssue(issue: ZodIssue, input: unknown): ValidationIssue[] {
  const path = formatPath(issue.path);
  const field = fieldLabel(issue.path);
  const actual = valueAt(input, issue.path);
  const own = (message: string) => (message.startsWith("must ") ? `${field} ${message}` : undefined);

  switch (issue.code) {
    case "invalid_type": {
      if (actual === undefined) return [{ path, code: "required", message: `${field} is required` }];
      const expected = EXPECTED[issue.expected] ?? `a ${issue.expected}`;
      const message = own(issue.message) ?? `${field} must be ${expected}`;
      return [{ path, code: "invalid_type", message: `${message}, got ${describeValue(actual)}` }];
    }
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const known = knownFieldsAt(issue.path, input);
        const suggestion = known ? closest(key, known) : undefined;
        return {
          path: joinPath(path, key),
          code: "unknown_field",
          message: `unknown field "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
        };
      });
    case "invalid_union": {
      if ("discriminator" in issue && issue.discriminator === "type") {
        const isTrigger = issue.path[0] === "triggers" && issue.path.length <= 3;
        const options = (issue as { options?: unknown[] }).options ?? [...(isTrigger ? TRIGGER_TYPES : TASK_TYPES)];
        const list = options.map(String).join(", ");
        if (actual === undefined) return [{ path, code: "required", message: `type is required: one of ${list}` }];
        return [
          {
            path,
            code: isTrigger ? "unknown_trigger_type" : "unknown_task_type",
            message: `unknown ${isTrigger ? "trigger" : "task"} type ${truncate(JSON.stringify(actual))}: use one of ${list}`,
          },
        ];
      }
      if (actual === undefined) return [{ path, code: "required", message: `${field} is required` }];
      return [{ path, code: "invalid_value", message: own(issue.message) ?? `${field} is not valid` }];
    }
    case "invalid_value": {
      if (actual === undefined) return [{ path, code: "required", message: `${field} is required` }];
      const values = issue.values.map((value) => JSON.stringify(value));
      const expected = values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(", ")}`;
      return [{ path, code: "invalid_value", message: `${field} ${expected}, got ${describeValue(actual)}` }];
    }
    case "too_small":
    case "too_big": {
      const custom = own(issue.message);
      if (custom) return [{ path, code: issue.code, message: custom }];
      const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const comparison =
        issue.code === "too_small" ? (issue.inclusive ? "≥" : ">") : issue.inclusive ? "≤" : "<";
      const message =
        issue.origin === "string"
          ? issue.code === "too_small"
            ? `${field} must be at least ${bound} characters`
            : `${field} must be at most ${bound} characters`
          : issue.origin === "array" || issue.origin === "set"
            ? issue.code === "too_small"
              ? `${field} must have at least ${bound} items`
              : `${field} must have at most ${bound} items`
            : `${field} must be ${comparison} ${bound}`;
      return [{ path, code: issue.code, message }];
    }
    case "invalid_format":
      return [{ path, code: "invalid_format", message: own(issue.message) ?? `${field} must be a valid ${issue.format}` }];
    case "custom":
      return [{ path, code: "invalid", message: own(issue.message) ?? issue.message }];
    default:
      return [{ path, code: issue.code, message: own(issue.message) ?? `${field}: ${issue.message}` }];
  }
}

interface ZodDefLike {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
  discriminator?: string;
}

function defOf(schema: unknown): ZodDefLike | undefined {
  return (schema as { _zod?: { def?: ZodDefLike } } | undefined)?._zod?.def;
}

/** Follows a path through the schema (choosing union members by the input's `type`). */
function schemaAt(path: readonly PropertyKey[], input: unknown): unknown {
  let schema: unknown = workflowDefinitionSchema;
  let value: unknown = input;
  const unwrap = () => {
    for (let guard = 0; guard < 10; guard += 1) {
      const def = defOf(schema);
      if (def?.type === "optional" || def?.type === "nullable") {
        schema = def.innerType;
      } else if (def?.type === "union" && def.discriminator && typeof value === "object" && value !== null) {
        const wanted = (value as Record<string, unknown>)[def.discriminator];
        schema = def.options?.find((option) => {
          const literal = defOf(defOf(option)?.shape?.[def.discriminator!]);
          return (literal as { values?: unknown[] } | undefined)?.values?.includes(wanted);
        });
      } else {
        return;
      }
    }
  };
  unwrap();
  for (const segment of path) {
    const def = defOf(schema);
    if (def?.type === "object" && typeof segment === "string") schema = def.shape?.[segment];
    else if (def?.type === "array") schema = def.element;
    else if (def?.type === "record") schema = def.valueType;
    else return undefined;
    value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
    unwrap();
  }
  return schema;
}

function knownFieldsAt(path: readonly PropertyKey[], input: unknown): string[] | undefined {
  const def = defOf(schemaAt(path, input));
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : undefined;
}

/** The candidate closest to the word, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(word.length / 3));
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, beforePrevious[j - 2]! + 1);
      }
      current[j] = distance;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}

// ---------------------------------------------------------------------------------------------
// Pass 2: graph and expressions, on a loose reading of the input

interface LooseTask {
  index: number;
  path: string;
  key: string | undefined;
  type: unknown;
  /** dependsOn entries that are strings, with their position in the array. */
  dependsOn: Array<{ key: string; position: number }>;
  raw: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readTasks(definition: Record<string, unknown>): LooseTask[] {
  const tasks = Array.isArray(definition.tasks) ? definition.tasks : [];
  const loose: LooseTask[] = [];
  tasks.forEach((raw: unknown, index) => {
    if (!isRecord(raw)) return;
    const dependsOn = Array.isArray(raw.dependsOn)
      ? raw.dependsOn.flatMap((key: unknown, position) => (typeof key === "string" ? [{ key, position }] : []))
      : [];
    loose.push({
      index,
      path: joinPath("tasks", index),
      key: typeof raw.key === "string" ? raw.key : undefined,
      type: raw.type,
      dependsOn,
      raw,
    });
  });
  return loose;
}

function checkSemantics(definition: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const tasks = readTasks(definition);
  const byKey = new Map<string, LooseTask>();
  for (const task of tasks) {
    if (task.key === undefined) continue;
    const first = byKey.get(task.key);
    if (first) {
      issues.push({
        path: joinPath(task.path, "key"),
        code: "duplicate_key",
        message: `duplicate task key "${task.key}" (also used by ${first.path})`,
      });
    } else {
      byKey.set(task.key, task);
    }
  }
  const keys = [...byKey.keys()];

  // Dependencies.
  for (const task of tasks) {
    const seen = new Set<string>();
    for (const { key, position } of task.dependsOn) {
      const path = joinPath(joinPath(task.path, "dependsOn"), position);
      if (seen.has(key)) {
        issues.push({ path, code: "duplicate_dependency", message: `"${key}" is listed twice in dependsOn` });
        continue;
      }
      seen.add(key);
      if (key === task.key) {
        issues.push({ path, code: "self_dependency", message: `task "${key}" depends on itself` });
      } else if (!byKey.has(key)) {
        const suggestion = closest(key, keys);
        issues.push({
          path,
          code: "unknown_dependency",
          message: `unknown task "${key}" in dependsOn${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
        });
      }
    }
  }

  // Cycles (self-dependencies are reported above).
  const graphTasks = tasks
    .filter((task) => task.key !== undefined && byKey.get(task.key) === task)
    .map((task) => ({ key: task.key!, dependsOn: task.dependsOn.map((entry) => entry.key) }));
  const graph = buildTaskGraph(graphTasks);
  for (const cycle of graph.findCycles()) {
    if (cycle.length < 2) continue;
    const head = byKey.get(cycle[0]!)!;
    const closing = cycle[cycle.length - 1]!;
    const entry = head.dependsOn.find((dependency) => dependency.key === closing);
    issues.push({
      path: joinPath(joinPath(head.path, "dependsOn"), entry?.position ?? 0),
      code: "cycle",
      message: `cycle: ${[...cycle, cycle[0]].join(" → ")}`,
    });
  }

  // Expressions in tasks: syntax, and the tasks they read.
  for (const task of tasks) {
    // Computed on the first $tasks reference only: most tasks of a large workflow have none.
    let upstreamSet: Set<string> | undefined;
    const upstream = () => {
      if (task.key === undefined || byKey.get(task.key) !== task) return undefined;
      upstreamSet ??= new Set(graph.upstreamOf(task.key));
      return upstreamSet;
    };
    for (const field of ["when", "input", "params"] as const) {
      if (!(field in task.raw)) continue;
      const base = joinPath(task.path, field);
      const inspected = inspectTemplate(task.raw[field], base);
      issues.push(...inspected.issues);
      for (const found of inspected.references) {
        for (const reference of found.keys) {
          const issue = referenceIssue(found.path, reference, task, byKey, upstream, keys);
          if (issue) issues.push(issue);
        }
      }
    }
    if (task.type === "switch") issues.push(...checkSwitch(task, tasks, byKey));
  }

  // The workflow's output may read any task.
  if ("output" in definition) {
    const inspected = inspectTemplate(definition.output, "output");
    issues.push(...inspected.issues);
    for (const found of inspected.references) {
      for (const reference of found.keys) {
        if (!byKey.has(reference)) issues.push(unknownReference(found.path, reference, keys));
      }
    }
  }

  // Layout entries must name tasks.
  if (isRecord(definition.layout)) {
    for (const key of Object.keys(definition.layout)) {
      if (byKey.has(key) || key === "__proto__") continue;
      issues.push({
        path: joinPath("layout", key),
        code: "unknown_layout_task",
        message: `layout entry for unknown task "${key}"`,
      });
    }
  }

  issues.push(...checkTriggers(definition));

  if (typeof definition.failureWorkflow === "string" && definition.failureWorkflow === definition.name) {
    issues.push({
      path: "failureWorkflow",
      code: "failure_workflow_self",
      message: "failureWorkflow must name another workflow (a failing handler would start itself)",
    });
  }
  return issues;
}

function unknownReference(path: string, reference: string, keys: string[]): ValidationIssue {
  const suggestion = closest(reference, keys);
  return {
    path,
    code: "unknown_task_reference",
    message: `$tasks.${reference} refers to no task${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
  };
}

function referenceIssue(
  path: string,
  reference: string,
  task: LooseTask,
  byKey: Map<string, LooseTask>,
  upstreamOf: () => Set<string> | undefined,
  keys: string[],
): ValidationIssue | undefined {
  if (reference === task.key) {
    return {
      path,
      code: "self_reference",
      message: `$tasks.${reference} is this task's own result, which does not exist while it runs`,
    };
  }
  if (!byKey.has(reference)) return unknownReference(path, reference, keys);
  const upstream = upstreamOf();
  if (upstream && !upstream.has(reference)) {
    return {
      path,
      code: "task_not_upstream",
      message: `$tasks.${reference} is not upstream of "${task.key}": add "${reference}" to its dependsOn (directly or through another task)`,
    };
  }
  return undefined;
}

function checkSwitch(task: LooseTask, tasks: LooseTask[], byKey: Map<string, LooseTask>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const params = isRecord(task.raw.params) ? task.raw.params : {};
  const switchKey = task.key;
  if (switchKey === undefined) return issues;
  const branched = new Set<string>();
  const checkBranch = (list: unknown, path: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((key: unknown, position) => {
      if (typeof key !== "string") return;
      branched.add(key);
      const at = joinPath(path, position);
      const target = byKey.get(key);
      if (!target) {
        issues.push({ path: at, code: "unknown_branch_task", message: `unknown task "${key}" in switch branch` });
      } else if (!target.dependsOn.some((dependency) => dependency.key === switchKey)) {
        issues.push({
          path: at,
          code: "branch_not_dependent",
          message: `"${key}" must list "${switchKey}" in dependsOn to be a branch of this switch`,
        });
      }
    });
  };
  if (Array.isArray(params.cases)) {
    params.cases.forEach((branch: unknown, index) => {
      if (isRecord(branch)) checkBranch(branch.next, joinPath(joinPath(joinPath(task.path, "params"), "cases"), index) + ".next");
    });
  }
  checkBranch(params.default, joinPath(joinPath(task.path, "params"), "default"));
  for (const dependent of tasks) {
    if (dependent.key === undefined || dependent.key === switchKey || branched.has(dependent.key)) continue;
    const entry = dependent.dependsOn.find((dependency) => dependency.key === switchKey);
    if (!entry) continue;
    issues.push({
      path: joinPath(joinPath(dependent.path, "dependsOn"), entry.position),
      code: "dependent_not_in_branch",
      message: `"${dependent.key}" depends on switch "${switchKey}" but is in none of its branches (cases or default)`,
    });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Ordering

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const id = `${issue.path}\u0000${issue.code}\u0000${issue.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

const TOP_LEVEL_ORDER = Object.keys(workflowDefinitionSchema.shape);
const LEADING_SEGMENTS = /^([A-Za-z_$][A-Za-z0-9_$]*)?(?:\[(\d+)\])?/;

/** Document order, roughly: by top-level field (schema order), then by task position. Stable. */
function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const rank = (issue: ValidationIssue): [number, number] => {
    const match = LEADING_SEGMENTS.exec(issue.path);
    const field = match?.[1];
    const fieldRank = field === undefined ? -1 : TOP_LEVEL_ORDER.indexOf(field);
    return [fieldRank === -1 && field !== undefined ? TOP_LEVEL_ORDER.length : fieldRank, Number(match?.[2] ?? -1)];
  };
  return issues
    .map((issue, position) => ({ issue, position, rank: rank(issue) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.position - b.position)
    .map((entry) => entry.issue);
}
