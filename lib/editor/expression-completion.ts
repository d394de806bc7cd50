/**
 * What the inspector's expression fields suggest as you type (issue 12, point 9): inside a
 * `{% … %}` expression, after `$`, the context's variables; after `$input.` the fields of the
 * workflow's input schema; after `$tasks.` the tasks this one may read (those upstream of it, as
 * validation requires; every task in the workflow's output); after `$tasks.<key>.` what a result
 * holds, and after `.output.` the fields a transform's output template or an http answer has;
 * `$item` and `$index` inside a map's item task or child workflow input. Pure: the text, the
 * cursor and the document in, the suggestions and the range they replace out.
 */
import { buildTaskGraph } from "@/lib/workflow";
import type { DraftDefinition, DraftTask } from "@/lib/editor/document";

export type CompletionItem = {
  /** What the list shows, e.g. `$input` or `build`. */
  label: string;
  /** What replaces the typed part of the last path segment (without the `$` for a variable). */
  insert: string;
  /** A few words about it: a type, a description, a task's name. */
  detail?: string;
};

export type CompletionScope = {
  draft: DraftDefinition;
  /** The task whose field is edited; undefined for a workflow's field. */
  taskKey?: string;
  /** The field's path in the task or the workflow: `when`, `params.url`, `params.task`, `input`, `output`. */
  field: string;
};

export type Completions = {
  /** The typed part of the segment, text[from, to), that an item replaces. */
  from: number;
  to: number;
  items: CompletionItem[];
  /** Added after the item when the expression is not closed yet: ` %}`, or nothing. */
  close: string;
};

/** Most suggestions listed at once; typing narrows the rest. @default 50 */
export const MAX_COMPLETIONS = 50;

const OPEN = "{%";
const CLOSE = "%}";
/** `$`, then dotted identifier segments; the last one may be empty (just typed a dot). */
const PATH_BEFORE_CURSOR = /(?<![A-Za-z0-9_$])\$((?:[A-Za-z0-9_]+\.)*[A-Za-z0-9_]*)$/;
const WORD_AFTER_CURSOR = /^[A-Za-z0-9_]*/;

type JsonSchemaLike = { type?: unknown; description?: unknown; properties?: unknown; items?: unknown };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Where the expression around the cursor starts (after `{%`), or -1 when the cursor is not inside one. */
function expressionStart(text: string, cursor: number): number {
  const open = text.lastIndexOf(OPEN, cursor - OPEN.length);
  if (open < 0) return -1;
  const closed = text.indexOf(CLOSE, open + OPEN.length);
  return closed >= 0 && closed + CLOSE.length <= cursor ? -1 : open + OPEN.length;
}

/** Whether the cursor sits inside a JSONata string literal of the expression (quotes not preceded by a backslash). */
function insideString(body: string): boolean {
  let quote: string | null = null;
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (body[index - 1] === "\\") continue;
    if (quote === null && (char === "'" || char === '"')) quote = char;
    else if (char === quote) quote = null;
  }
  return quote !== null;
}

/** Whether `$item` and `$index` are bound where this field is evaluated: a map's item task or child workflow input. */
function inMapItem(task: DraftTask | undefined, field: string): boolean {
  return task?.type === "map" && /^params\.(task|workflow)(\.|$)/.test(field);
}

/** The tasks a field may read as `$tasks.<key>`: upstream of its task, or every task for the workflow's output. */
function readableTasks(scope: CompletionScope): DraftTask[] | null {
  const { draft, taskKey, field } = scope;
  if (taskKey === undefined) return field === "output" ? draft.tasks : null;
  const upstream = new Set(buildTaskGraph(draft.tasks).upstreamOf(taskKey));
  return draft.tasks.filter((task) => upstream.has(task.key));
}

function typeOf(schema: JsonSchemaLike): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  return Array.isArray(schema.type) ? schema.type.filter((t) => typeof t === "string").join(" | ") : undefined;
}

/** The properties of a JSON Schema, following `items` of arrays (JSONata maps a path over a list). */
function schemaProperties(schema: unknown): CompletionItem[] {
  let current = schema as JsonSchemaLike | undefined;
  while (isRecord(current) && !isRecord(current.properties) && isRecord(current.items)) current = current.items as JsonSchemaLike;
  if (!isRecord(current) || !isRecord(current.properties)) return [];
  return Object.entries(current.properties).map(([name, property]) => {
    const p = (isRecord(property) ? property : {}) as JsonSchemaLike;
    const detail = [typeOf(p), typeof p.description === "string" ? p.description : undefined].filter(Boolean).join(" · ");
    return { label: name, insert: name, ...(detail ? { detail } : {}) };
  });
}

function schemaAt(schema: unknown, path: readonly string[]): unknown {
  let current = schema;
  for (const name of path) {
    while (isRecord(current) && !isRecord(current.properties) && isRecord(current.items)) current = current.items;
    const properties = isRecord(current) ? current.properties : undefined;
    current = isRecord(properties) ? properties[name] : undefined;
  }
  return current;
}

/** The keys of an object template (a transform's output, variables), following the path; JSON only, expressions tell nothing. */
function templateKeys(template: unknown, path: readonly string[]): CompletionItem[] {
  let current = template;
  for (const name of path) current = isRecord(current) ? current[name] : undefined;
  if (!isRecord(current)) return [];
  return Object.entries(current).map(([name, value]) => ({
    label: name,
    insert: name,
    detail: typeof value === "string" && value.startsWith(OPEN) ? "expression" : Array.isArray(value) ? "array" : value === null ? "null" : typeof value,
  }));
}

const RESULT_FIELDS: CompletionItem[] = [
  { label: "output", insert: "output", detail: "what the task produced" },
  { label: "status", insert: "status", detail: "COMPLETED, FAILED, SKIPPED, …" },
  { label: "error", insert: "error", detail: "{ code, message } of a failed task" },
];

/** What `$tasks.<key>.output.<path>.` holds, as far as the definition tells. */
function outputFields(task: DraftTask, path: readonly string[]): CompletionItem[] {
  if (task.type === "transform") return templateKeys(task.params.output, path);
  if (task.type === "http" && path.length === 0) {
    return [
      { label: "status", insert: "status", detail: "the response's status code" },
      { label: "headers", insert: "headers", detail: "the response's headers" },
      { label: "body", insert: "body", detail: "the response's body (JSON when it parses)" },
    ];
  }
  if (task.type === "map" && path.length === 0) {
    return [
      { label: "success", insert: "success", detail: "outputs of the items that succeeded, by index" },
      { label: "failure", insert: "failure", detail: "errors of the items that failed, by index" },
    ];
  }
  return [];
}

function rootItems(scope: CompletionScope, task: DraftTask | undefined): CompletionItem[] {
  const items: CompletionItem[] = [{ label: "$input", insert: "input", detail: "the execution's input" }];
  if ((readableTasks(scope)?.length ?? 0) > 0) items.push({ label: "$tasks", insert: "tasks", detail: scope.taskKey ? "results of the upstream tasks" : "results of the tasks" });
  if (isRecord(scope.draft.variables)) items.push({ label: "$vars", insert: "vars", detail: "the workflow's variables" });
  if (inMapItem(task, scope.field)) {
    items.push({ label: "$item", insert: "item", detail: "the current item of the map" }, { label: "$index", insert: "index", detail: "the item's position, from 0" });
  }
  items.push({ label: "$execution", insert: "execution", detail: "id, name, version" });
  return items;
}

/** Every suggestion for the path typed so far (`stem` complete segments), before filtering by the last one. */
function candidates(stem: readonly string[], scope: CompletionScope, task: DraftTask | undefined): CompletionItem[] {
  const [root, ...rest] = stem;
  if (root === undefined) return rootItems(scope, task);
  if (root === "input") return schemaProperties(schemaAt(scope.draft.input, rest));
  if (root === "vars") return templateKeys(scope.draft.variables, rest);
  if (root === "execution") return rest.length > 0 ? [] : ["id", "name", "version"].map((name) => ({ label: name, insert: name, detail: "of this execution" }));
  if (root === "item" && inMapItem(task, scope.field)) {
    const items = task!.params.items;
    return Array.isArray(items) ? templateKeys(items.find(isRecord), rest) : [];
  }
  if (root !== "tasks") return [];
  const readable = readableTasks(scope) ?? [];
  const [taskKey, field, ...path] = rest;
  if (taskKey === undefined) {
    // A task's output is what an expression reads nearly always: the item completes to `<key>.output`.
    return readable.map((candidate) => ({
      label: candidate.key,
      insert: `${candidate.key}.output`,
      detail: [typeof candidate.name === "string" ? candidate.name : undefined, candidate.type].filter(Boolean).join(" · "),
    }));
  }
  const target = readable.find((candidate) => candidate.key === taskKey);
  if (!target) return [];
  if (field === undefined) return RESULT_FIELDS;
  return field === "output" ? outputFields(target, path) : [];
}

/**
 * The suggestions at `cursor` in `text` (a field's text: a whole `{% … %}` string, or JSON with
 * such strings in it), or null when there is nothing to suggest there: outside an expression, in
 * a string literal, not after a `$` path, or for a field whose expressions read no context.
 */
export function expressionCompletions(text: string, cursor: number, scope: CompletionScope): Completions | null {
  const start = expressionStart(text, cursor);
  if (start < 0) return null;
  const body = text.slice(start, cursor);
  if (insideString(body)) return null;
  const typed = PATH_BEFORE_CURSOR.exec(body);
  if (!typed) return null;
  if (scope.taskKey === undefined && scope.field !== "output") return null;
  const segments = typed[1]!.split(".");
  const partial = segments.pop()!;
  const task = scope.taskKey === undefined ? undefined : scope.draft.tasks.find((candidate) => candidate.key === scope.taskKey);
  const needle = partial.toLowerCase();
  const items = candidates(segments, scope, task)
    .filter((item) => item.insert.toLowerCase().startsWith(needle) && item.insert !== partial)
    .slice(0, MAX_COMPLETIONS);
  if (items.length === 0) return null;
  const to = cursor + WORD_AFTER_CURSOR.exec(text.slice(cursor))![0].length;
  const nextOpen = text.indexOf(OPEN, cursor);
  const nextClose = text.indexOf(CLOSE, cursor);
  const closed = nextClose >= 0 && (nextOpen < 0 || nextClose < nextOpen);
  return { from: cursor - partial.length, to, items, close: closed ? "" : ` ${CLOSE}` };
}

/** The text with `item` accepted, and where the cursor goes (after the inserted part, before any close). */
export function applyCompletion(text: string, completions: Completions, item: CompletionItem): { text: string; cursor: number } {
  const next = text.slice(0, completions.from) + item.insert + completions.close + text.slice(completions.to);
  return { text: next, cursor: completions.from + item.insert.length };
}
