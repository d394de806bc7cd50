/**
 * How deeply JSON values from outside may nest. A value thousands of levels deep is legal JSON
 * and JSON.parse takes it, but every recursive reader after that (zod's z.json(), the canonical
 * form, JSON.stringify) can run out of stack: the API answered 500 (found by
 * tests/integration/api-fuzz.test.ts: a worker's result nested 1,849 levels). Definitions are
 * bounded by validate.ts (MAX_DEFINITION_DEPTH, 64); everything else an API body or a server
 * action carries — execution inputs, workers' outputs and progress details, rerun inputs — by
 * MAX_JSON_DEPTH, checked iteratively before any recursive reader sees the value.
 */
/** Deepest nesting of a JSON value in an input, a result or progress details (objects and arrays). */
export const MAX_JSON_DEPTH = 128;

/**
 * The path (as segments) of the first value nested deeper than `maxDepth` levels (a top-level
 * object is level 1), or undefined when there is none. Iterative: any depth.
 */
export function pathDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): Array<string | number> | undefined {
  // Frames link to their parent, so the path is built only for the value found (not for every value).
  type Frame = { value: unknown; depth: number; parent: Frame | undefined; segment: string | number | undefined };
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, segment: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const at = frame.value;
    if (typeof at !== "object" || at === null) continue;
    if (frame.depth + 1 > maxDepth) {
      const segments: Array<string | number> = [];
      for (let up: Frame | undefined = frame; up?.segment !== undefined; up = up.parent) segments.push(up.segment);
      return segments.reverse();
    }
    if (Array.isArray(at)) {
      for (let index = at.length - 1; index >= 0; index -= 1) stack.push({ value: at[index], depth: frame.depth + 1, parent: frame, segment: index });
    } else {
      const keys = Object.keys(at);
      for (let index = keys.length - 1; index >= 0; index -= 1) stack.push({ value: (at as Record<string, unknown>)[keys[index]!], depth: frame.depth + 1, parent: frame, segment: keys[index]! });
    }
  }
  return undefined;
}
