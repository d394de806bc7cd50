/**
 * Copy and paste carry definition JSON: `{ "tasks": [...], "layout": {...} }`, a fragment of a
 * definition, so that a selection pasted into a text editor is readable and a fragment written by
 * hand (or a whole definition) pastes onto the canvas. Only dependencies inside the selection are
 * kept; pasted tasks get fresh keys when theirs are taken, and references are rewritten.
 */
import { TASK_TYPES, type TaskType } from "@/lib/workflow";
import { renameTask, roundPoint, uniqueKey, type DraftDefinition, type DraftTask, type Point } from "@/lib/editor/document";

export type ClipboardFragment = { tasks: DraftTask[]; layout: Record<string, Point> };

/** The selected tasks as a definition fragment (internal dependencies only). */
export function copyTasks(draft: DraftDefinition, taskKeys: Iterable<string>): ClipboardFragment {
  const selected = new Set(taskKeys);
  const tasks = draft.tasks
    .filter((task) => selected.has(task.key))
    .map((task) => {
      const dependsOn = (task.dependsOn ?? []).filter((key) => selected.has(key));
      const { dependsOn: _old, ...rest } = task;
      return (dependsOn.length > 0 ? { ...rest, dependsOn } : rest) as DraftTask;
    });
  const layout: Record<string, Point> = {};
  for (const task of tasks) {
    const point = draft.layout?.[task.key];
    if (point) layout[task.key] = point;
  }
  return { tasks, layout };
}

export function fragmentToText(fragment: ClipboardFragment): string {
  return `${JSON.stringify(fragment, null, 2)}\n`;
}

const isTaskType = (value: unknown): value is TaskType => (TASK_TYPES as readonly unknown[]).includes(value);

/** Reads clipboard text as a fragment (or a whole definition); undefined when it is not one. */
export function parseFragment(text: string): ClipboardFragment | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as { tasks?: unknown; layout?: unknown };
  if (!Array.isArray(record.tasks) || record.tasks.length === 0) return undefined;
  const tasks: DraftTask[] = [];
  for (const task of record.tasks) {
    if (typeof task !== "object" || task === null) return undefined;
    const candidate = task as Partial<DraftTask>;
    if (typeof candidate.key !== "string" || !isTaskType(candidate.type)) return undefined;
    const params = typeof candidate.params === "object" && candidate.params !== null ? candidate.params : {};
    tasks.push({ ...candidate, key: candidate.key, type: candidate.type, params } as DraftTask);
  }
  const layout: Record<string, Point> = {};
  if (typeof record.layout === "object" && record.layout !== null) {
    for (const [key, point] of Object.entries(record.layout as Record<string, unknown>)) {
      const p = point as Partial<Point> | null;
      if (p && typeof p.x === "number" && typeof p.y === "number") layout[key] = { x: p.x, y: p.y };
    }
  }
  return { tasks, layout };
}

/**
 * Pastes a fragment: keys made unique against the draft (references inside the fragment follow),
 * dependencies on tasks outside the fragment dropped, positions shifted by `offset` (or placed at
 * `at`, keeping the fragment's shape). Returns the new draft and the pasted keys.
 */
export function pasteFragment(
  draft: DraftDefinition,
  fragment: ClipboardFragment,
  placement: { offset: Point } | { at: Point },
): { draft: DraftDefinition; taskKeys: string[] } {
  // Rename inside the fragment first, as a small draft of its own, so that dependsOn, switch
  // branches and $tasks references all follow.
  const fragmentKeys = new Set(fragment.tasks.map((task) => task.key));
  let piece: DraftDefinition = {
    name: "",
    tasks: fragment.tasks.map((task) => {
      const dependsOn = (task.dependsOn ?? []).filter((key) => fragmentKeys.has(key));
      const { dependsOn: _old, ...rest } = task;
      return (dependsOn.length > 0 ? { ...rest, dependsOn } : rest) as DraftTask;
    }),
    layout: { ...fragment.layout },
  };
  const taken = new Set(draft.tasks.map((task) => task.key));
  const renames: Array<[string, string]> = [];
  for (const task of fragment.tasks) {
    const fresh = uniqueKey(task.key, [...taken, ...fragmentKeys].filter((key) => key !== task.key || taken.has(key)));
    taken.add(fresh);
    if (fresh !== task.key) renames.push([task.key, `\u0001${fresh}`]);
  }
  // Two passes through placeholder keys so that swaps (a→b while b→c) cannot collide.
  for (const [from, to] of renames) piece = renameTask(piece, from, to.replace("\u0001", "__paste__"));
  for (const [, to] of renames) piece = renameTask(piece, to.replace("\u0001", "__paste__"), to.slice(1));

  const points = piece.tasks.map((task) => piece.layout?.[task.key] ?? { x: 0, y: 0 });
  const minX = Math.min(...points.map((p) => p.x));
  const minY = Math.min(...points.map((p) => p.y));
  const shift = "offset" in placement ? placement.offset : { x: placement.at.x - minX, y: placement.at.y - minY };
  const layout = { ...draft.layout };
  piece.tasks.forEach((task, index) => {
    layout[task.key] = roundPoint({ x: points[index]!.x + shift.x, y: points[index]!.y + shift.y });
  });
  return {
    draft: { ...draft, tasks: [...draft.tasks, ...piece.tasks], layout },
    taskKeys: piece.tasks.map((task) => task.key),
  };
}
