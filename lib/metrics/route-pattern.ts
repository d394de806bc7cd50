/** The label of a request whose path cannot be turned into its route's pattern (never the path itself). */
export const UNMATCHED_ROUTE = "(unmatched)";

/**
 * The route pattern of a request (`/api/executions/[executionId]/events`) from its path and the
 * dynamic params Next matched, for the HTTP metrics: concrete values (execution ids, workflow
 * names) must never become label values. Each param replaces the first segment, not yet replaced,
 * that equals its (decoded) value — Next gives params in path order, so this is the segment it
 * came from, unless a value equals one of the route's own static segments before it (a workflow
 * named "workflows"): then the label names that segment wrongly, but it is still made only of the
 * route's own segments and placeholders, so the labels stay bounded. A param found nowhere (a
 * catch-all, a path Next rewrote) gives UNMATCHED_ROUTE rather than anything concrete.
 */
export function routePattern(pathname: string, params: Readonly<Record<string, unknown>>): string {
  const segments = pathname.split("/");
  const replaced = new Array<boolean>(segments.length).fill(false);
  const decoded = segments.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== "string") return UNMATCHED_ROUTE;
    const at = decoded.findIndex((segment, i) => !replaced[i] && segment === value);
    if (at < 0) return UNMATCHED_ROUTE;
    segments[at] = `[${name}]`;
    replaced[at] = true;
  }
  const pattern = segments.join("/").replace(/\/+$/, "");
  return pattern === "" ? "/" : pattern;
}
