/**
 * The designer's document: a workflow definition as it is being edited (it may be invalid at any
 * moment: an empty URL, a dangling dependency), and the pure operations the canvas and the
 * inspector apply to it. Every operation returns a new document and leaves its input untouched, so
 * the history reducer can keep snapshots.
 */
import {
  buildTaskGraph,
  MAX_TASKS,
  TASK_KEY_MAX_LENGTH,
  type TaskDefinition,
  type TaskType,
  type WorkflowDefinition,
} from "@/lib/workflow";
import { parseBranchId } from "@/lib/workflow/switch-branches";

export type DraftTask = {
  key: string;
  type: TaskType;
  dependsOn?: string[];
  params: Record<string, unknown>;
  [field: string]: unknown;
};

export type DraftDefinition = {
  name: string;
  tasks: DraftTask[];
  layout?: Record<string, { x: number; y: number }>;
  [field: string]: unknown;
};

export type Point = { x: number; y: number };

/** A draft read as a definition, for the helpers of lib/workflow that accept any input. */
export const asDefinition = (draft: DraftDefinition) => draft as unknown as WorkflowDefinition;
export const asDraft = (definition: WorkflowDefinition) => definition as unknown as DraftDefinition;
export const asTask = (task: DraftTask) => task as unknown as TaskDefinition;

export function emptyDraft(name = ""): DraftDefinition {
  return { name, tasks: [], layout: {} };
}

/**
 * Starting params per type: the required fields, empty, so the form shows what to fill in. A map
 * starts as a working example instead (a transform per item that shows `$item` and `$index`), since
 * an empty workflow reference says nothing about how a map is written.
 */
export function initialParams(type: TaskType): Record<string, unknown> {
  switch (type) {
    case "http":
      return { url: "", method: "GET" };
    case "transform":
      return { output: {} };
    case "worker":
      return { taskType: "" };
    case "wait":
      return { durationMs: 1000 };
    case "approval":
      return {};
    case "switch":
      return { cases: [{ name: "yes", when: "{% true %}", next: [] }] };
    case "map":
      return { items: "{% $input.items %}", task: { type: "transform", params: { output: '{% { "item": $item, "index": $index } %}' } } };
    case "subworkflow":
      return { workflow: "" };
    case "terminate":
      return { status: "FAILED", reason: "" };
    case "shell":
      return { command: "" };
  }
}

/** `base`, or `base_2`, `base_3`, … — the first key not in `taken`. */
export function uniqueKey(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const clean = base.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=[0-9])/, "_").slice(0, TASK_KEY_MAX_LENGTH - 4) || "task";
  if (!used.has(clean)) return clean;
  const stem = clean.replace(/_[0-9]+$/, "");
  for (let n = 2; ; n++) {
    const candidate = `${stem}_${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

export const roundPoint = (point: Point): Point => ({ x: Math.round(point.x), y: Math.round(point.y) });

export function addTask(draft: DraftDefinition, type: TaskType, position: Point): { draft: DraftDefinition; taskKey: string } {
  const taskKey = uniqueKey(type, draft.tasks.map((task) => task.key));
  const task: DraftTask = { key: taskKey, type, params: initialParams(type) };
  return {
    draft: { ...draft, tasks: [...draft.tasks, task], layout: { ...draft.layout, [taskKey]: roundPoint(position) } },
    taskKey,
  };
}

function withoutKeys<V>(record: Record<string, V> | undefined, keys: Set<string>): Record<string, V> {
  return Object.fromEntries(Object.entries(record ?? {}).filter(([key]) => !keys.has(key)));
}

/** Removes tasks, the edges to and from them, and their switch branch entries. */
export function removeTasks(draft: DraftDefinition, taskKeys: Iterable<string>): DraftDefinition {
  const removed = new Set(taskKeys);
  if (removed.size === 0) return draft;
  const tasks = draft.tasks
    .filter((task) => !removed.has(task.key))
    .map((task) => {
      let next = task;
      if (task.dependsOn?.some((key) => removed.has(key))) {
        next = setDependsOn(next, task.dependsOn.filter((key) => !removed.has(key)));
      }
      if (next.type === "switch") next = pruneSwitchTargets(next, (target) => !removed.has(target));
      return next;
    });
  return { ...draft, tasks, layout: withoutKeys(draft.layout, removed) };
}

function setDependsOn(task: DraftTask, dependsOn: string[]): DraftTask {
  const { dependsOn: _old, ...rest } = task;
  return dependsOn.length > 0 ? { ...rest, dependsOn } as DraftTask : (rest as DraftTask);
}

type SwitchCase = { name?: unknown; when?: unknown; next?: unknown };

/** Keeps only the branch targets that pass `keep` (targets are the switch's direct dependents). */
function pruneSwitchTargets(task: DraftTask, keep: (target: string) => boolean): DraftTask {
  const params = task.params;
  const cases = Array.isArray(params.cases) ? (params.cases as SwitchCase[]) : [];
  const prune = (list: unknown) => (Array.isArray(list) ? list.filter((key) => typeof key !== "string" || keep(key)) : list);
  const nextCases = cases.map((branch) => ({ ...branch, next: prune(branch.next) }));
  const nextParams: Record<string, unknown> = { ...params, cases: nextCases };
  if (Array.isArray(params.default)) nextParams.default = prune(params.default);
  return { ...task, params: nextParams };
}

export type EdgeRef = { source: string; target: string };

/** Removes edges (dependencies); a removed switch edge leaves its branch too. */
export function removeEdges(draft: DraftDefinition, edges: readonly EdgeRef[]): DraftDefinition {
  if (edges.length === 0) return draft;
  const drop = new Set(edges.map((edge) => `${edge.source}\u0000${edge.target}`));
  const tasks = draft.tasks.map((task) => {
    let next = task;
    const kept = (task.dependsOn ?? []).filter((source) => !drop.has(`${source}\u0000${task.key}`));
    if (kept.length !== (task.dependsOn ?? []).length) next = setDependsOn(task, kept);
    if (next.type === "switch") next = pruneSwitchTargets(next, (target) => !drop.has(`${task.key}\u0000${target}`));
    return next;
  });
  return { ...draft, tasks };
}

export type ConnectCheck =
  | { ok: true }
  | { ok: false; reason: "self" | "duplicate" | "unknown" | "cycle"; message: string; cycle?: string[] };

/**
 * Whether `source → target` may be added: no self-loop, no duplicate, both tasks exist, and no
 * cycle. A refused cycle names the loop it would close, e.g. "a → b → c → a".
 */
export function checkConnection(draft: DraftDefinition, source: string, target: string): ConnectCheck {
  if (source === target) return { ok: false, reason: "self", message: `a task cannot depend on itself (${source})` };
  const keys = new Set(draft.tasks.map((task) => task.key));
  if (!keys.has(source) || !keys.has(target)) {
    return { ok: false, reason: "unknown", message: `unknown task ${keys.has(source) ? target : source}` };
  }
  const targetTask = draft.tasks.find((task) => task.key === target)!;
  if (targetTask.dependsOn?.includes(source)) {
    return { ok: false, reason: "duplicate", message: `${target} already depends on ${source}` };
  }
  // The new edge closes a cycle when the source is already downstream of the target.
  const graph = buildTaskGraph(draft.tasks);
  if (graph.downstreamOf(target).includes(source)) {
    const path = pathBetween(draft, target, source) ?? [target, source];
    const cycle = [...path, target];
    return { ok: false, reason: "cycle", message: `that connection would make a cycle: ${cycle.join(" → ")}`, cycle };
  }
  return { ok: true };
}

/** A shortest downstream path from `from` to `to` (both included), or undefined. */
function pathBetween(draft: DraftDefinition, from: string, to: string): string[] | undefined {
  const children = new Map<string, string[]>();
  for (const task of draft.tasks) {
    for (const parent of task.dependsOn ?? []) children.set(parent, [...(children.get(parent) ?? []), task.key]);
  }
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (current === to) {
      const path = [to];
      while (path[0] !== from) path.unshift(previous.get(path[0]!)!);
      return path;
    }
    for (const child of children.get(current) ?? []) {
      if (!previous.has(child)) {
        previous.set(child, current);
        queue.push(child);
      }
    }
  }
  return undefined;
}

/**
 * Adds `source → target` when allowed. An edge out of a switch joins exactly the branch whose handle
 * it was drawn from (`sourceHandle`: `case-N` or `default`, lib/workflow/switch-branches.ts); drawn
 * without one (a drop on the card), it joins the default branch.
 */
export function connect(draft: DraftDefinition, source: string, target: string, sourceHandle?: string | null): { draft: DraftDefinition; check: ConnectCheck } {
  const check = checkConnection(draft, source, target);
  if (!check.ok) return { draft, check };
  const tasks = draft.tasks.map((task) => {
    if (task.key === target) return setDependsOn(task, [...(task.dependsOn ?? []), source]);
    if (task.key === source && task.type === "switch") return addSwitchTarget(task, target, parseBranchId(sourceHandle) ?? "default");
    return task;
  });
  return { draft: { ...draft, tasks }, check };
}

/** Adds `target` to one branch of a switch (a case by index, or the default), once. */
function addSwitchTarget(task: DraftTask, target: string, branch: number | "default"): DraftTask {
  const params = task.params;
  const cases = Array.isArray(params.cases) ? (params.cases as SwitchCase[]) : [];
  const withTarget = (list: unknown) => {
    const keys = Array.isArray(list) ? (list as string[]) : [];
    return keys.includes(target) ? keys : [...keys, target];
  };
  if (branch === "default" || !cases[branch]) return { ...task, params: { ...params, default: withTarget(params.default) } };
  return { ...task, params: { ...params, cases: cases.map((entry, index) => (index === branch ? { ...entry, next: withTarget(entry.next) } : entry)) } };
}

/** Moves tasks; positions are rounded to integers so that a nudge does not produce JSON noise. */
/**
 * True when two drafts differ in their layout at most: every other field is the same object.
 * Positions are layout-only, so such a change (a drag, its undo, an auto-layout) needs no new
 * validation. Edits build new objects for what they change, so identity is the test.
 */
export function onlyLayoutDiffers(a: DraftDefinition, b: DraftDefinition): boolean {
  if (a === b) return true;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete("layout");
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

export function moveTasks(draft: DraftDefinition, positions: Record<string, Point>): DraftDefinition {
  const layout = { ...draft.layout };
  let changed = false;
  for (const [key, point] of Object.entries(positions)) {
    const rounded = roundPoint(point);
    const old = layout[key];
    if (old && old.x === rounded.x && old.y === rounded.y) continue;
    layout[key] = rounded;
    changed = true;
  }
  return changed ? { ...draft, layout } : draft;
}

/** Sets (or, with `undefined`, removes) one field of a task; `path` is relative to the task, e.g. `params.url`. */
export function setTaskField(draft: DraftDefinition, taskKey: string, path: readonly string[], value: unknown): DraftDefinition {
  const tasks = draft.tasks.map((task) => (task.key === taskKey ? (setIn(task, path, value) as DraftTask) : task));
  return { ...draft, tasks };
}

/** Sets (or removes) a field of the workflow itself, e.g. `["description"]`. */
export function setWorkflowField(draft: DraftDefinition, path: readonly string[], value: unknown): DraftDefinition {
  return setIn(draft, path, value) as DraftDefinition;
}

/** Immutable set; `undefined` deletes, and an object left empty by a delete is removed too. */
export function setIn(target: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const object = typeof target === "object" && target !== null && !Array.isArray(target) ? (target as Record<string, unknown>) : {};
  const inner = setIn(object[head], rest, value);
  const copy = { ...object };
  const emptyObject = typeof inner === "object" && inner !== null && !Array.isArray(inner) && Object.keys(inner).length === 0;
  if (inner === undefined || (emptyObject && rest.length > 0)) delete copy[head];
  else copy[head] = inner;
  return copy;
}

export function getIn(target: unknown, path: readonly string[]): unknown {
  let current = target;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

const KEY_REFERENCE = (key: string) => new RegExp(`(\\$tasks\\.)${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9_])`, "g");

/** Rewrites `$tasks.old` into `$tasks.new` in every string of a JSON value. */
function renameInStrings(value: unknown, from: RegExp, to: string): unknown {
  if (typeof value === "string") return value.replace(from, `$1${to}`);
  if (Array.isArray(value)) return value.map((item) => renameInStrings(item, from, to));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameInStrings(v, from, to)]));
  }
  return value;
}

/**
 * Renames a task: its key, every dependsOn and switch branch naming it, its layout entry, and
 * `$tasks.<old>` in expressions. Refused (returns the draft unchanged) when the new key is taken.
 */
export function renameTask(draft: DraftDefinition, oldKey: string, newKey: string): DraftDefinition {
  if (oldKey === newKey || draft.tasks.some((task) => task.key === newKey)) return draft;
  const pattern = KEY_REFERENCE(oldKey);
  const swap = (list: unknown) => (Array.isArray(list) ? list.map((key) => (key === oldKey ? newKey : key)) : list);
  const tasks = draft.tasks.map((task) => {
    let next = renameInStrings(task, pattern, newKey) as DraftTask;
    if (task.key === oldKey) next = { ...next, key: newKey };
    if (next.dependsOn) next = { ...next, dependsOn: swap(next.dependsOn) as string[] };
    if (next.type === "switch") {
      const cases = Array.isArray(next.params.cases) ? (next.params.cases as SwitchCase[]) : [];
      const params: Record<string, unknown> = { ...next.params, cases: cases.map((branch) => ({ ...branch, next: swap(branch.next) })) };
      if (next.params.default !== undefined) params.default = swap(next.params.default);
      next = { ...next, params };
    }
    return next;
  });
  const layout = Object.fromEntries(Object.entries(draft.layout ?? {}).map(([key, point]) => [key === oldKey ? newKey : key, point]));
  const rest = renameInStrings({ ...draft, tasks: [], layout: {} }, pattern, newKey) as DraftDefinition;
  return { ...rest, tasks, layout };
}

/** Replaces the layout with positions for every task (auto-layout), rounded. */
export function setLayout(draft: DraftDefinition, positions: Record<string, Point>): DraftDefinition {
  const layout: Record<string, Point> = {};
  for (const task of draft.tasks) {
    const point = positions[task.key] ?? draft.layout?.[task.key];
    if (point) layout[task.key] = roundPoint(point);
  }
  return { ...draft, layout };
}

export const canAddTasks = (draft: DraftDefinition, count: number) => draft.tasks.length + count <= MAX_TASKS;

/**
 * The definition to save or export: tasks as drafted, the layout reduced to existing tasks, and
 * empty optional blocks dropped.
 */
export function toSubmission(draft: DraftDefinition): Record<string, unknown> {
  const keys = new Set(draft.tasks.map((task) => task.key));
  const layout = Object.fromEntries(Object.entries(draft.layout ?? {}).filter(([key]) => keys.has(key)).map(([k, p]) => [k, roundPoint(p)]));
  const { version: _version, ...rest } = draft;
  return { ...rest, layout };
}
