// The node search's filter (components/graph/node-search.tsx): pure, so it is unit-tested.

export type SearchableTask = { taskKey: string; label: string; taskType: string };

/**
 * The tasks matching `query` (case-insensitive, every word of it somewhere in the key, name or
 * type), best first: key equal, key starts with it, key contains it, then name, then type; ties
 * keep the graph's order. An empty query lists every task in order.
 */
export function findTasks<T extends SearchableTask>(tasks: readonly T[], query: string): T[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...tasks];
  const whole = words.join(" ");
  const scored: { task: T; score: number; index: number }[] = [];
  tasks.forEach((task, index) => {
    const key = task.taskKey.toLowerCase();
    const label = task.label.toLowerCase();
    const type = task.taskType.toLowerCase();
    if (!words.every((word) => key.includes(word) || label.includes(word) || type.includes(word))) return;
    const score = key === whole ? 0 : key.startsWith(whole) ? 1 : key.includes(whole) ? 2 : label.startsWith(whole) ? 3 : label.includes(whole) ? 4 : type.includes(whole) ? 5 : 6;
    scored.push({ task, score, index });
  });
  return scored.sort((a, b) => a.score - b.score || a.index - b.index).map((entry) => entry.task);
}
