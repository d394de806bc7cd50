/**
 * Static facts about a parsed JSONata expression, read from its AST without evaluating it:
 *
 * - **bounded** (`isBoundedAst`): the expression cannot loop. Its cost is at most linear in the
 *   data it reads (a fixed number of steps over each value reached), so it may run on the caller's
 *   thread. The engine evaluates such expressions inline and sends every other one to the
 *   expression pool (lib/pool), where a runaway costs a pool thread its budget, never the server's
 *   event loop.
 * - **what it reads of `$tasks`** (`taskReads`): the task keys it names as `$tasks.<key>`, or
 *   "all" when it uses `$tasks` in any other way; the pool is sent only those tasks' results.
 *
 * Bounded means: at most {@link MAX_BOUNDED_NODES} AST nodes, all of them of these kinds — literals;
 * the context variables (`$input`, `$tasks`, `$vars`, `$item`, `$index`, `$execution`, `$`); paths
 * whose steps after the first are plain names (each optionally `[n]` with a literal index); the
 * operators (arithmetic, comparison, `&`, `and`, `or`, `in`), except the range `..`; `? :`;
 * blocks; array and object constructors; calls of the built-in functions in
 * {@link BOUNDED_FUNCTIONS} (none takes a function, none builds unbounded output from small input,
 * none runs a regular expression). Excluded: lambdas and partial application (recursion), `:=`
 * (it could rebind a function name), `~>`, ranges, predicates, sorting, grouping, wildcards and
 * descendants, `%`, transforms, regular expressions (JSONata runs them synchronously: a
 * catastrophic one cannot be interrupted), `$eval`, and higher-order or size-multiplying
 * functions (`$map`, `$filter`, `$reduce`, `$sort`, `$each`, `$sift`, `$single`, `$pad`,
 * `$distinct`, `$replace`, `$match`, …).
 */
import type jsonata from "jsonata";

/** An AST node read loosely: JSONata's typings do not list every node type it produces (e.g. "path"). */
type Node = { type?: string; value?: unknown; [field: string]: unknown };

/** Largest AST (in nodes) that counts as bounded. */
export const MAX_BOUNDED_NODES = 256;

/** The variables an expression's context binds (lib/workflow/expressions.ts, ExpressionContext); "" is `$`. */
const CONTEXT_VARIABLES = new Set(["", "input", "tasks", "vars", "item", "index", "execution"]);

/** Built-ins whose cost is linear in their arguments and that take no function. */
export const BOUNDED_FUNCTIONS: ReadonlySet<string> = new Set([
  "string", "length", "substring", "substringBefore", "substringAfter", "uppercase", "lowercase", "trim",
  "contains", "split", "join", "base64encode", "base64decode", "encodeUrlComponent", "encodeUrl",
  "decodeUrlComponent", "decodeUrl", "number", "abs", "floor", "ceil", "round", "power", "sqrt", "random",
  "formatNumber", "formatBase", "formatInteger", "parseInteger", "boolean", "not", "exists", "count", "sum",
  "max", "min", "average", "append", "reverse", "shuffle", "keys", "lookup", "merge", "spread", "type",
  "now", "millis", "fromMillis", "toMillis", "assert", "error",
]);

const BOUNDED_OPERATORS = new Set(["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&", "and", "or", "in"]);

/** Step decorations that make a path loop over values in ways the rule above does not allow. */
const LOOPING_DECORATIONS = ["group", "focus", "index", "tuple", "ancestor", "seekingParent", "predicate"] as const;

function isLiteralIndex(stage: unknown): boolean {
  const filter = stage as { type?: string; expr?: { type?: string } };
  return filter.type === "filter" && filter.expr?.type === "number";
}

function hasLoopingDecoration(node: Node): boolean {
  if (LOOPING_DECORATIONS.some((key) => node[key] !== undefined)) return true;
  const stages = node.stages as unknown[] | undefined;
  return stages !== undefined && !stages.every(isLiteralIndex);
}

/** True when the expression cannot loop (see the module comment). */
export function isBoundedAst(ast: jsonata.ExprNode): boolean {
  let nodes = 0;
  const bounded = (value: unknown): boolean => {
    const node = value as Node;
    nodes += 1;
    if (nodes > MAX_BOUNDED_NODES || typeof node !== "object" || node === null) return false;
    if (hasLoopingDecoration(node)) return false;
    switch (node.type) {
      case "number":
      case "string":
      case "value":
        return true;
      case "variable":
        return CONTEXT_VARIABLES.has(String(node.value));
      case "name":
        return true;
      case "path": {
        const steps = node.steps as Node[] | undefined;
        if (!steps || steps.length === 0) return false;
        const [first, ...rest] = steps;
        return bounded(first) && rest.every((step) => step.type === "name" && bounded(step));
      }
      case "binary":
        return BOUNDED_OPERATORS.has(String(node.value)) && bounded(node.lhs) && bounded(node.rhs);
      case "unary":
        if (node.value === "-") return bounded(node.expression);
        if (node.value === "[") return (node.expressions as unknown[]).every(bounded);
        if (node.value === "{") return (node.lhs as unknown[][]).every((pair) => pair.every(bounded));
        return false;
      case "condition":
        return bounded(node.condition) && bounded(node.then) && (node.else === undefined || bounded(node.else));
      case "block":
        return (node.expressions as unknown[]).every(bounded);
      case "function": {
        const procedure = node.procedure as Node | undefined;
        if (procedure?.type !== "variable" || hasLoopingDecoration(procedure)) return false;
        if (!BOUNDED_FUNCTIONS.has(String(procedure.value))) return false;
        return (node.arguments as unknown[]).every(bounded);
      }
      default:
        return false;
    }
  };
  return bounded(ast);
}

/** What an expression reads of `$tasks`: the keys it names, or "all" (see the module comment). */
export type TaskReads = { all: true } | { all: false; keys: string[] };

export function taskReads(ast: jsonata.ExprNode): TaskReads {
  const keys = new Set<string>();
  let all = false;
  const visit = (value: unknown, depth: number): void => {
    if (all || typeof value !== "object" || value === null) return;
    if (depth > 10_000) {
      all = true;
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const node = value as Node;
    if (node.type === "path" && Array.isArray(node.steps)) {
      const [first, second] = node.steps as Node[];
      if (first?.type === "variable" && first.value === "tasks") {
        if (second?.type === "name" && typeof second.value === "string" && !hasLoopingDecoration(first)) {
          keys.add(second.value);
          for (const step of (node.steps as Node[]).slice(1)) visit(step, depth + 1);
          return;
        }
        all = true;
        return;
      }
    }
    if (node.type === "variable" && node.value === "tasks") {
      all = true;
      return;
    }
    for (const key of Object.keys(node)) visit(node[key], depth + 1);
  };
  visit(ast, 0);
  return all ? { all: true } : { all: false, keys: [...keys] };
}
