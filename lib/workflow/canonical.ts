/**
 * The canonical form of a definition, so that a diff between two versions shows only real changes:
 * - keys of known objects in the schema's field order (the order of the `z.strictObject` shapes),
 *   unknown keys after them in sorted order;
 * - free-form records (variables, headers, query, env) with sorted keys; JSON templates and the
 *   input JSON Schema's properties keep their authored order, which is meaningful (it is the order
 *   of output fields and of form fields);
 * - tasks in stable topological order (ties by original position; original order when cyclic);
 * - `layout` last, its keys in task order, so that moving a node changes only layout lines;
 * - defaults are not filled in: the file keeps what the author wrote.
 * Canonicalization is idempotent.
 */
import { buildTaskGraph } from "./graph";
import { formatPath, type ValidationIssue } from "./paths";
import {
  layoutPointSchema,
  triggerDefinitionSchema,
  paramsSchemas,
  retryPolicySchema,
  switchCaseSchema,
  timeoutsSchema,
  workflowDefinitionSchema,
  workflowRefSchema,
  type WorkflowDefinition,
} from "./schema";
import { validateDefinition, type ValidationResult } from "./validate";

type Json = unknown;
type Rewrite = (value: Json) => Json;

const WORKFLOW_KEYS = Object.keys(workflowDefinitionSchema.shape);
const TASK_KEYS = Object.keys(taskShapeKeys());
const ITEM_TASK_KEYS = ["type", "params", "input", "retry", "timeouts"];
const RETRY_KEYS = Object.keys(retryPolicySchema.shape);
const TIMEOUT_KEYS = Object.keys(timeoutsSchema.shape);
const CASE_KEYS = Object.keys(switchCaseSchema.shape);
const WORKFLOW_REF_KEYS = Object.keys(workflowRefSchema.shape);
const POINT_KEYS = Object.keys(layoutPointSchema.shape);
const INPUT_SCHEMA_KEYS = [
  "$schema",
  "$id",
  "title",
  "description",
  "type",
  "properties",
  "required",
  "additionalProperties",
];

function taskShapeKeys(): Record<string, unknown> {
  // Every task variant has the same common fields in the same order; http's is representative.
  const variants = workflowDefinitionSchema.shape.tasks.element.options;
  return variants[0].shape;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of JSON that keeps key order and drops undefined fields. */
function cloneJson(value: Json): Json {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : cloneJson(item)));
  if (isRecord(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (value[key] !== undefined) setOwn(copy, key, cloneJson(value[key]));
    }
    return copy;
  }
  return value;
}

/** Known keys first in the given order, then the other keys sorted; undefined fields dropped. */
function ordered(value: Json, keyOrder: readonly string[], rewrites: Record<string, Rewrite> = {}): Json {
  if (!isRecord(value)) return cloneJson(value);
  const known = new Set(keyOrder);
  const keys = [
    ...keyOrder.filter((key) => Object.prototype.hasOwnProperty.call(value, key)),
    ...Object.keys(value)
      .filter((key) => !known.has(key))
      .sort(),
  ];
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const field = value[key];
    if (field === undefined) continue;
    const rewrite = Object.prototype.hasOwnProperty.call(rewrites, key) ? rewrites[key] : undefined;
    setOwn(out, key, rewrite ? rewrite(field) : cloneJson(field));
  }
  return out;
}

function sortedRecord(value: Json): Json {
  return isRecord(value) ? ordered(value, []) : cloneJson(value);
}

function paramsKeys(type: unknown): readonly string[] {
  if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(paramsSchemas, type)) return [];
  return Object.keys(paramsSchemas[type as keyof typeof paramsSchemas].shape);
}

function canonicalParams(type: unknown, params: Json): Json {
  const each = (rewrite: Rewrite): Rewrite => (list) => (Array.isArray(list) ? list.map(rewrite) : cloneJson(list));
  const rewrites: Record<string, Rewrite> = {};
  if (type === "http") Object.assign(rewrites, { headers: sortedRecord, query: sortedRecord });
  if (type === "shell") rewrites.env = sortedRecord;
  if (type === "switch") rewrites.cases = each((branch) => ordered(branch, CASE_KEYS));
  if (type === "map") {
    rewrites.task = canonicalItemTask;
    rewrites.workflow = (ref) => ordered(ref, WORKFLOW_REF_KEYS);
  }
  return ordered(params, paramsKeys(type), rewrites);
}

function canonicalItemTask(task: Json): Json {
  const type = isRecord(task) ? task.type : undefined;
  return ordered(task, ITEM_TASK_KEYS, {
    params: (params) => canonicalParams(type, params),
    retry: (retry) => ordered(retry, RETRY_KEYS),
    timeouts: (timeouts) => ordered(timeouts, TIMEOUT_KEYS),
  });
}

/** A trigger: its variant's field order (input keeps its authored order, as every template). */
function canonicalTrigger(trigger: Json): Json {
  const type = isRecord(trigger) ? trigger.type : undefined;
  const variant = triggerDefinitionSchema.options.find((option) => option.shape.type.value === type);
  return ordered(trigger, variant ? Object.keys(variant.shape) : ["type", "key"]);
}

function canonicalTask(task: Json): Json {
  const type = isRecord(task) ? task.type : undefined;
  return ordered(task, TASK_KEYS, {
    params: (params) => canonicalParams(type, params),
    retry: (retry) => ordered(retry, RETRY_KEYS),
    timeouts: (timeouts) => ordered(timeouts, TIMEOUT_KEYS),
  });
}

function taskOrder(tasks: unknown[]): unknown[] {
  const graphTasks = tasks.map((task) => ({
    key: isRecord(task) && typeof task.key === "string" ? task.key : "",
    dependsOn: isRecord(task) && Array.isArray(task.dependsOn) ? task.dependsOn.filter((k) => typeof k === "string") : [],
  }));
  const order = buildTaskGraph(graphTasks).topologicalIndexes();
  return order ? order.map((index) => tasks[index]) : tasks;
}

function canonicalLayout(layout: Json, taskKeys: string[]): Json {
  if (!isRecord(layout)) return cloneJson(layout);
  const out: Record<string, unknown> = {};
  const keys = [
    ...taskKeys.filter((key, index) => Object.prototype.hasOwnProperty.call(layout, key) && taskKeys.indexOf(key) === index),
    ...Object.keys(layout)
      .filter((key) => !taskKeys.includes(key))
      .sort(),
  ];
  for (const key of keys) {
    if (layout[key] !== undefined) setOwn(out, key, ordered(layout[key], POINT_KEYS));
  }
  return out;
}

/** The canonical form of a definition (see the module comment). Pure and idempotent. */
export function canonicalize(definition: WorkflowDefinition): WorkflowDefinition {
  const source = definition as unknown as Record<string, unknown>;
  const tasks = Array.isArray(source.tasks) ? taskOrder(source.tasks) : source.tasks;
  const taskKeys = Array.isArray(tasks)
    ? tasks.flatMap((task) => (isRecord(task) && typeof task.key === "string" ? [task.key] : []))
    : [];
  // Unknown top-level keys go before layout, which stays last.
  const withoutLayout = ordered(
    { ...source, layout: undefined },
    WORKFLOW_KEYS.filter((key) => key !== "layout"),
    {
      input: (input) => ordered(input, INPUT_SCHEMA_KEYS, { properties: cloneJson }),
      variables: sortedRecord,
      tasks: () => (Array.isArray(tasks) ? tasks.map(canonicalTask) : cloneJson(tasks)),
      triggers: (triggers) => (Array.isArray(triggers) ? triggers.map(canonicalTrigger) : cloneJson(triggers)),
    },
  ) as Record<string, unknown>;
  if (source.layout !== undefined) setOwn(withoutLayout, "layout", canonicalLayout(source.layout, taskKeys));
  return withoutLayout as unknown as WorkflowDefinition;
}

/** The canonical JSON text of a definition: 2-space indent, trailing newline. */
export function serializeDefinition(definition: WorkflowDefinition): string {
  return `${JSON.stringify(canonicalize(definition), null, 2)}\n`;
}

export type ParseJsonResult = { ok: true; value: unknown } | { ok: false; errors: ValidationIssue[] };

/**
 * Parses JSON text; a syntax error comes back as one issue whose message gives the line and column
 * (1-based), the same in every JavaScript engine.
 */
export function parseJsonText(text: string): ParseJsonResult {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    const { offset, problem } = locateJsonError(body);
    const { line, column } = lineAndColumn(body, offset);
    return {
      ok: false,
      errors: [{ path: formatPath([]), code: "invalid_json", message: `invalid JSON at line ${line}, column ${column}: ${problem}` }],
    };
  }
}

/** Parses and validates the text of a definition file. Never throws. */
export function parseDefinitionText(text: string): ValidationResult {
  const parsed = parseJsonText(text);
  return parsed.ok ? validateDefinition(parsed.value) : parsed;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text[index] === "\n") {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds where JSON text first goes wrong. Engines word (and place) JSON.parse errors differently,
 * so this small scanner is the one source of positions.
 */
export function locateJsonError(text: string): { offset: number; problem: string } {
  let at = 0;
  const fail = (problem: string, offset = at): never => {
    throw { offset, problem };
  };
  const describe = (offset: number) =>
    offset >= text.length ? "unexpected end of input" : `unexpected ${JSON.stringify(text[offset])}`;
  const skipSpace = () => {
    while (at < text.length && " \t\n\r".includes(text[at]!)) at += 1;
  };
  const literal = (word: string) => {
    for (let index = 0; index < word.length; index += 1) {
      if (text[at + index] !== word[index]) fail(describe(at + index), at + index);
    }
    at += word.length;
  };
  const string = () => {
    at += 1; // opening quote
    for (;;) {
      if (at >= text.length) fail("unterminated string");
      const char = text[at]!;
      if (char === '"') {
        at += 1;
        return;
      }
      if (char < " ") fail("control character in string");
      if (char === "\\") {
        const escape = text[at + 1];
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) fail("invalid \\u escape in string");
          at += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          at += 2;
        } else {
          fail("invalid escape in string");
        }
        continue;
      }
      at += 1;
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!match || match[0] === "-") fail(describe(at));
    at += match![0].length;
  };
  // Iterative, with an explicit stack of open containers (deep input must not overflow).
  const stack: Array<"array" | "object"> = [];
  const value = () => {
    skipSpace();
    const char = text[at];
    if (char === "{") {
      at += 1;
      skipSpace();
      if (text[at] === "}") {
        at += 1;
        return;
      }
      stack.push("object");
      member();
      return;
    }
    if (char === "[") {
      at += 1;
      skipSpace();
      if (text[at] === "]") {
        at += 1;
        return;
      }
      stack.push("array");
      return "element";
    }
    if (char === '"') return string();
    if (char === "t") return literal("true");
    if (char === "f") return literal("false");
    if (char === "n") return literal("null");
    if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) return number();
    fail(describe(at));
  };
  const member = () => {
    skipSpace();
    if (text[at] !== '"') fail(`${describe(at)}: expected a property name in double quotes`);
    string();
    skipSpace();
    if (text[at] !== ":") fail(`${describe(at)}: expected ":"`);
    at += 1;
  };
  try {
    let pending: "element" | void = value();
    for (;;) {
      if (pending === "element") {
        pending = value();
        continue;
      }
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      if (top === "object" && text[at - 1] === ":") {
        pending = value();
        continue;
      }
      skipSpace();
      const close = top === "object" ? "}" : "]";
      if (text[at] === ",") {
        at += 1;
        if (top === "object") member();
        else pending = "element";
        continue;
      }
      if (text[at] === close) {
        at += 1;
        stack.pop();
        continue;
      }
      fail(`${describe(at)}: expected "," or "${close}"`);
    }
    skipSpace();
    if (at < text.length) fail(`${describe(at)} after the end of the document`);
    return { offset: at, problem: "invalid JSON" };
  } catch (error) {
    if (typeof error === "object" && error !== null && "offset" in error) return error as { offset: number; problem: string };
    return { offset: 0, problem: "invalid JSON" };
  }
}

/**
 * The canonical text of a definition with `version` set, from the canonical text of the same
 * definition without one (serializeDefinition of it): what serializeDefinition({ ...definition,
 * version }) returns, without canonicalizing again. `version` comes right after `name` (the first
 * key, always present in a valid definition) in the schema's field order, so it is one line
 * inserted after the name's line. A save prepares the canonical text off the event loop (the
 * expression pool, lib/pool) before it knows the version number it will store.
 */
export function withVersionLine(canonicalTextWithoutVersion: string, version: number): string {
  if (!Number.isInteger(version) || version < 1) throw new Error(`a version is an integer ≥ 1; got ${version}`);
  // The name's line ends with a comma: `tasks` (required) always follows.
  const nameLine = /^\{\n {2}"name": "(?:[^"\\\n]|\\.)*",\n/.exec(canonicalTextWithoutVersion);
  if (!nameLine) throw new Error("not the canonical text of a definition: it must start with its name");
  return `${nameLine[0]}  "version": ${version},\n${canonicalTextWithoutVersion.slice(nameLine[0].length)}`;
}
