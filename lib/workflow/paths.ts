/**
 * Paths name a position in the submitted JSON so that a person can find it:
 * `name`, `tasks[2].dependsOn[0]`, `tasks[0].params.url`, `layout["my task"]`, `variables.region`.
 * The root itself is the empty string.
 */

export type PathSegment = string | number;

/** A problem found in a definition: where it is, what is wrong, and a stable code for programs. */
export interface ValidationIssue {
  /** Position in the submitted JSON, e.g. `tasks[2].dependsOn[0]`; "" for the whole document. */
  path: string;
  /** A readable sentence; tests assert it exactly. */
  message: string;
  /** A stable identifier of the kind of problem, e.g. `unknown_dependency`, `cycle`, `invalid_type`. */
  code: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends one segment to a formatted path. */
export function joinPath(base: string, segment: PathSegment): string {
  if (typeof segment === "number") return `${base}[${segment}]`;
  if (IDENTIFIER.test(segment)) return base === "" ? segment : `${base}.${segment}`;
  return `${base}[${JSON.stringify(segment)}]`;
}

/** Formats a list of segments (as zod reports them) into a path. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = "";
  for (const segment of segments) {
    path = joinPath(path, typeof segment === "symbol" ? String(segment) : (segment as PathSegment));
  }
  return path;
}
