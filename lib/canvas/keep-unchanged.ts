/**
 * React Flow re-renders a node or edge whenever its object changes identity. The designer derives
 * its nodes and edges from the document on every change (a selection, a field edit, a drag end);
 * on a 500-task graph new objects for all of them would redraw every card. This keeps the previous
 * object of each element that is equal in content, so only what changed redraws.
 */
export function keepUnchanged<T extends { id: string }>(previous: readonly T[], next: readonly T[]): T[] {
  if (previous.length === 0) return next as T[];
  const byId = new Map(previous.map((element) => [element.id, element]));
  let reused = 0;
  const result = next.map((element) => {
    const old = byId.get(element.id);
    if (old && sameContent(old, element)) {
      reused++;
      return old;
    }
    return element;
  });
  // Same elements in the same order: hand back the previous array itself.
  return reused === previous.length && reused === next.length && result.every((element, index) => element === previous[index]) ? (previous as T[]) : result;
}

/** Deep equality of plain JSON-like values (objects, arrays, primitives). */
export function sameContent(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((value, index) => sameContent(value, other[index]));
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && sameContent((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
