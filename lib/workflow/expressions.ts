/**
 * JSONata expressions inside `{% … %}` delimiters (the convention of AWS Step Functions).
 *
 * A string that is exactly `{% expr %}` is an expression; it evaluates to the expression's value,
 * of any JSON type. Text around an expression is not interpolated: build strings inside the
 * expression instead (`{% 'Hello ' & $input.name %}`); validation flags such mixed strings.
 *
 * Expressions run in JSONata only (never eval/new Function), with a time budget, a recursion
 * depth budget and a result size budget, enforced through JSONata's evaluate entry/exit hooks the
 * way JSONata's own timeboxing test does. Errors come back as values, never as stack traces.
 */
import { boundFromEnv, LruCache } from "./lru";
import jsonata from "jsonata";
import { isBoundedAst, taskReads, type TaskReads } from "./expression-analysis";
import { joinPath, type ValidationIssue } from "./paths";

const EXPRESSION = /^\{%([\s\S]*)%\}$/;
const OPENING = "{%";

/** True when the value is a string that is exactly `{% … %}`. */
export function isExpression(value: unknown): value is string {
  return typeof value === "string" && EXPRESSION.test(value);
}

/** The JSONata source between the delimiters, or undefined when the string is not an expression. */
export function expressionBody(value: string): string | undefined {
  return EXPRESSION.exec(value)?.[1];
}

export type ExpressionAst = jsonata.ExprNode;

export type ParseExpressionResult =
  | {
      ok: true;
      ast: ExpressionAst;
      /** It cannot loop: cheap enough to evaluate on the caller's thread (expression-analysis.ts). */
      bounded: boolean;
      /** What it reads of `$tasks` (expression-analysis.ts). */
      reads: TaskReads;
    }
  | {
      ok: false;
      /** A readable sentence with JSONata's message and code. */
      message: string;
      /** Character offset in the string as written (delimiters included). */
      position: number;
      /** JSONata's error code, e.g. S0203; "empty" for an empty expression. */
      code: string;
    };

interface JsonataErrorLike {
  code?: unknown;
  message?: unknown;
  position?: unknown;
}

function asJsonataError(error: unknown): JsonataErrorLike {
  return typeof error === "object" && error !== null ? (error as JsonataErrorLike) : {};
}

function compile(body: string): jsonata.Expression {
  return jsonata(body);
}

/** Most expression sources kept parsed, and kept compiled (FLOWDECK_EXPRESSION_CACHE_ENTRIES). @default 2000 */
export const EXPRESSION_CACHE_ENTRIES = boundFromEnv("FLOWDECK_EXPRESSION_CACHE_ENTRIES", 2000);
/**
 * Most characters of expression source behind each of the two caches (parsed ASTs; compiled
 * copies, counted {@link POOL_MAX_COPIES} times) (FLOWDECK_EXPRESSION_CACHE_CHARS). An AST takes
 * some tens of bytes per source character, so the default keeps each cache to tens of MiB.
 * @default 1 Mi
 */
export const EXPRESSION_CACHE_CHARS = boundFromEnv("FLOWDECK_EXPRESSION_CACHE_CHARS", 1024 * 1024);

/** Parse results by source, least recently used evicted first (see the bounds above). */
const parseCache = new LruCache<string, ParseExpressionResult>({ maxEntries: EXPRESSION_CACHE_ENTRIES, maxWeight: EXPRESSION_CACHE_CHARS, weigh: (_, source) => source.length });

/**
 * Parses an expression. Accepts the string as written (`{% … %}`) or a bare JSONata source.
 * Never throws. Results are cached by source (the function is pure).
 */
export function parseExpression(source: string): ParseExpressionResult {
  const cached = parseCache.get(source);
  if (cached) return cached;
  const result = parseExpressionUncached(source);
  parseCache.set(source, result);
  return result;
}

function parseExpressionUncached(source: string): ParseExpressionResult {
  const body = expressionBody(source);
  const text = body ?? source;
  const offset = body === undefined ? 0 : OPENING.length;
  if (text.trim() === "") {
    return { ok: false, message: "expression is empty", position: offset, code: "empty" };
  }
  try {
    const ast = compile(text).ast();
    return { ok: true, ast, bounded: isBoundedAst(ast), reads: taskReads(ast) };
  } catch (error) {
    const { code, message, position } = asJsonataError(error);
    const jsonataCode = typeof code === "string" ? code : "unknown";
    const at = typeof position === "number" ? position : 0;
    const text =
      error instanceof RangeError
        ? "expression is nested too deeply"
        : typeof message === "string"
          ? message
          : String(error);
    return { ok: false, message: `${text} (${jsonataCode})`, position: offset + at, code: jsonataCode };
  }
}

/** An expression found in a template: where it is and its text as written. */
export interface FoundExpression {
  path: string;
  source: string;
}

const MAX_TEMPLATE_DEPTH = 256;

function walkTemplate(
  value: unknown,
  path: string,
  depth: number,
  visit: (text: string, path: string) => void,
): void {
  if (depth > MAX_TEMPLATE_DEPTH) return;
  if (typeof value === "string") {
    visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => walkTemplate(item, joinPath(path, index), depth + 1, visit));
  } else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) {
      walkTemplate((value as Record<string, unknown>)[key], joinPath(path, key), depth + 1, visit);
    }
  }
}

/** Every `{% … %}` string of a JSON template, in document order. */
export function findExpressions(template: unknown, basePath = ""): FoundExpression[] {
  const found: FoundExpression[] = [];
  walkTemplate(template, basePath, 0, (text, path) => {
    if (isExpression(text)) found.push({ path, source: text });
  });
  return found;
}

/**
 * How many strings of a JSON value are expressions (`{% … %}`), wherever they are; counting stops
 * once the count is above `stopAbove`, so a huge definition costs no more than the limit it
 * breaks. Never throws (no recursion: any nesting depth).
 */
export function countExpressions(value: unknown, stopAbove = Infinity): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= stopAbove) {
    const at = stack.pop();
    if (typeof at === "string") {
      if (EXPRESSION.test(at)) count += 1;
    } else if (Array.isArray(at)) {
      for (const item of at) stack.push(item);
    } else if (typeof at === "object" && at !== null) {
      for (const key of Object.keys(at)) stack.push((at as Record<string, unknown>)[key]);
    }
  }
  return count;
}

/** What evaluating a template may cost and read, from its expressions' ASTs. */
export interface TemplateCost {
  /** Every expression in it is bounded (one that does not parse fails at once, so it counts as bounded). */
  bounded: boolean;
  /** What its expressions read of `$tasks`, together. */
  reads: TaskReads;
}

/** The cost of a template (see TemplateCost); parses are cached, so this is cheap on a hot path. */
export function templateCost(template: unknown): TemplateCost {
  let bounded = true;
  let all = false;
  const keys = new Set<string>();
  walkTemplate(template, "", 0, (text) => {
    if (!isExpression(text)) return;
    const parsed = parseExpression(text);
    if (!parsed.ok) return;
    if (!parsed.bounded) bounded = false;
    if (parsed.reads.all) all = true;
    else for (const key of parsed.reads.keys) keys.add(key);
  });
  return { bounded, reads: all ? { all: true } : { all: false, keys: [...keys] } };
}

/** Message of a string that holds `{%` but is not an expression as a whole. */
export const MIXED_EXPRESSION_MESSAGE =
  "an expression must be the whole string {% … %}; build text inside it, e.g. {% 'Hello ' & $input.name %}";

function looksLikeMixedExpression(text: string): boolean {
  return !EXPRESSION.test(text) && text.includes(OPENING) && text.includes("%}");
}

/** Issue of an expression that does not parse, with the path of the string that holds it. */
export function expressionIssue(path: string, source: string): ValidationIssue | undefined {
  const parsed = parseExpression(source);
  if (parsed.ok) return undefined;
  return {
    path,
    code: "invalid_expression",
    message: `invalid expression at position ${parsed.position}: ${parsed.message}`,
  };
}

/**
 * Issues of a JSON template: expressions that do not parse, and strings that mix text with
 * `{% … %}` (which would be taken literally).
 */
export function checkTemplate(template: unknown, basePath = ""): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  walkTemplate(template, basePath, 0, (text, path) => {
    if (isExpression(text)) {
      const issue = expressionIssue(path, text);
      if (issue) issues.push(issue);
    } else if (looksLikeMixedExpression(text)) {
      issues.push({ path, code: "expression_not_whole_string", message: MIXED_EXPRESSION_MESSAGE });
    }
  });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Task references

function collectTaskReferences(node: unknown, found: string[], depth: number): void {
  if (depth > 10_000 || typeof node !== "object" || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) collectTaskReferences(item, found, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  if (record.type === "path" && Array.isArray(record.steps)) {
    const [first, second] = record.steps as Array<Record<string, unknown> | undefined>;
    if (
      first?.type === "variable" &&
      first.value === "tasks" &&
      second?.type === "name" &&
      typeof second.value === "string" &&
      !found.includes(second.value)
    ) {
      found.push(second.value);
    }
  }
  for (const key of Object.keys(record)) {
    collectTaskReferences(record[key], found, depth + 1);
  }
}

const TASK_REFERENCE_SCAN = /\$tasks\s*\.\s*(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]*)`)/g;

/**
 * Task keys an expression reads as `$tasks.<key>` (in order of first appearance). Uses the AST; an
 * expression that does not parse is scanned textually. Dynamic access (`$lookup($tasks, k)`) is
 * not seen.
 */
export function referencedTasks(source: string): string[] {
  return referencesOf(source, parseExpression(source));
}

function referencesOf(source: string, parsed: ParseExpressionResult): string[] {
  const found: string[] = [];
  if (parsed.ok) {
    collectTaskReferences(parsed.ast, found, 0);
    return found;
  }
  for (const match of source.matchAll(TASK_REFERENCE_SCAN)) {
    const key = match[1] ?? match[2];
    if (key !== undefined && !found.includes(key)) found.push(key);
  }
  return found;
}

/** An expression of a template and the task keys it reads (see referencedTasks). */
export interface TemplateReference {
  path: string;
  keys: string[];
}

/**
 * checkTemplate and referencedTasks of every expression in one walk, parsing each expression once
 * (validation of a definition with thousands of expressions would otherwise parse each twice:
 * the parse cache holds fewer sources than such a definition has).
 */
export function inspectTemplate(template: unknown, basePath = ""): { issues: ValidationIssue[]; references: TemplateReference[] } {
  const issues: ValidationIssue[] = [];
  const references: TemplateReference[] = [];
  walkTemplate(template, basePath, 0, (text, path) => {
    if (isExpression(text)) {
      const parsed = parseExpression(text);
      if (!parsed.ok) issues.push({ path, code: "invalid_expression", message: `invalid expression at position ${parsed.position}: ${parsed.message}` });
      references.push({ path, keys: referencesOf(text, parsed) });
    } else if (looksLikeMixedExpression(text)) {
      issues.push({ path, code: "expression_not_whole_string", message: MIXED_EXPRESSION_MESSAGE });
    }
  });
  return { issues, references };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** What an expression sees of a task: `$tasks.<key>.output` and friends. */
export interface TaskResultView {
  status?: string;
  output?: unknown;
  error?: { code?: string; message: string } | null;
  [field: string]: unknown;
}

/** The values an expression can read. Absent fields are undefined in JSONata. */
export interface ExpressionContext {
  /** `$input`: the execution input. */
  input?: unknown;
  /** `$tasks`: results of the tasks so far, by task key. */
  tasks?: Record<string, TaskResultView>;
  /** `$vars`: the workflow's variables. */
  vars?: Record<string, unknown>;
  /** `$item`: the current item inside a map. */
  item?: unknown;
  /** `$index`: the current item's index inside a map. */
  index?: number;
  /** `$execution`: the running execution. */
  execution?: { id: string; name: string; version: number; [field: string]: unknown };
  /** `$secrets`: the decrypted secrets a task's params read, by name — set only there (lib/secrets). */
  secrets?: Record<string, string>;
}

export interface EvaluateOptions {
  /**
   * Time budget of the whole template, in milliseconds of its own running time (not the wall clock:
   * evaluations running at once and a wait for a core do not count).
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * Deepest JSONata evaluation nesting (guards runaway recursion).
   * @default 500
   */
  maxDepth?: number;
  /**
   * Largest result, in characters of JSON: of the whole template, and of any intermediate string.
   * @default 1_000_000
   */
  maxResultBytes?: number;
  /**
   * Longest intermediate array.
   * @default 100_000
   */
  maxArrayLength?: number;
  /**
   * Path of the template in the definition, prefixed to error paths (e.g. `tasks[0].input`).
   * @default ""
   */
  basePath?: string;
  /**
   * Stop early, with code `expression_deferred`, once the evaluation has run this long: a caller
   * evaluating on a thread that must stay responsive gives up after a slice and re-runs the
   * template elsewhere with the whole budget (evaluation is pure, so running it again is safe).
   * @default no slice
   */
  sliceMs?: number;
}

export const EVALUATE_DEFAULTS = {
  timeoutMs: 1000,
  maxDepth: 500,
  maxResultBytes: 1_000_000,
  maxArrayLength: 100_000,
} as const;

/** An expression that could not be evaluated. A value, not an exception. */
export interface ExpressionError {
  /** Path of the string holding the expression, e.g. `tasks[3].params.output.total`. */
  path: string;
  /** For `$error("msg")` exactly "msg"; otherwise JSONata's message with its code and position. */
  message: string;
  /**
   * `invalid_expression` (does not parse), `expression_failed` (evaluation error; `$error()`),
   * `expression_timeout`, `expression_too_large`, `expression_not_json` (e.g. returned a function);
   * `expression_deferred` when it ran past `sliceMs` (never seen by a task: the caller re-runs it);
   * lib/pool adds `expression_busy` (its queue is full).
   */
  code: string;
  /** Character offset in the expression string as written, when known. */
  position?: number;
}

export type EvaluateResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ExpressionError };

class BudgetExceeded {
  constructor(
    readonly code: "expression_timeout" | "expression_too_large" | "expression_deferred",
    readonly detail: string,
  ) {}
}

class NotJson {
  constructor(readonly detail: string) {}
}

interface Budget {
  /** Milliseconds of this evaluation's own running time so far (see {@link chargeStep}). */
  usedMs: number;
  /** When a sliced evaluation gives up, in its own running time (sliceMs); Infinity without a slice. */
  sliceMs: number;
  timeoutMs: number;
  maxDepth: number;
  maxResultBytes: number;
  maxArrayLength: number;
  usedBytes: number;
}

function nullPrototypeCopy<T>(record: Record<string, T> | undefined): Record<string, T> | undefined {
  if (record === undefined || record === null || typeof record !== "object") return record;
  // Keys such as "constructor" must not resolve to Object.prototype members inside JSONata.
  const copy = Object.create(null) as Record<string, T>;
  for (const key of Object.keys(record)) copy[key] = record[key] as T;
  return copy;
}

function bindingsOf(context: ExpressionContext): Record<string, unknown> {
  const tasks = nullPrototypeCopy(context.tasks);
  if (tasks) {
    for (const key of Object.keys(tasks)) {
      const view = tasks[key];
      if (typeof view === "object" && view !== null) tasks[key] = nullPrototypeCopy(view) as TaskResultView;
    }
  }
  return {
    input: context.input,
    tasks,
    vars: nullPrototypeCopy(context.vars),
    item: context.item,
    index: context.index,
    execution: context.execution,
    secrets: nullPrototypeCopy(context.secrets),
  };
}

const ENTRY_HOOK = Symbol.for("jsonata.__evaluate_entry");
const EXIT_HOOK = Symbol.for("jsonata.__evaluate_exit");

interface HookEnvironment {
  isParallelCall?: boolean;
}

/**
 * The time budget counts an evaluation's own running time, not the wall clock: JSONata awaits at
 * every step, so evaluations running at once interleave, and on a busy machine a thread waits for a
 * core. Every step (an entry or exit hook of any evaluation on this thread) charges the time since
 * the previous step to the evaluation that took that previous step: that is who ran in between. A
 * gap counts at most {@link MAX_STEP_CHARGE_MS}: a longer one is the thread waiting for a core, or
 * work that is not an expression's (the engine between two evaluations). A runaway expression takes
 * many short steps, so it still meets its budget; one that cannot be interrupted at all (a
 * backtracking regular expression) is stopped by the pool's hard deadline (lib/pool).
 */
const MAX_STEP_CHARGE_MS = 10;
let lastStep: { budget: Budget | undefined; at: number } = { budget: undefined, at: 0 };
/** Where an expression pool thread reports its steps (lib/pool/thread.ts): index 1 is the time of the last one. */
let stepSink: Float64Array | null = null;

/**
 * Reports the time of every evaluation step into `sink[1]` (absolute milliseconds:
 * performance.timeOrigin + performance.now()): the expression pool sees that a slow job still
 * makes progress (lib/pool/thread-pool.ts, `stallMs`). One sink per thread.
 */
export function reportStepsTo(sink: Float64Array | null): void {
  stepSink = sink;
}

function chargeStep(budget: Budget): void {
  const now = performance.now();
  if (lastStep.budget) lastStep.budget.usedMs += Math.min(now - lastStep.at, MAX_STEP_CHARGE_MS);
  lastStep = { budget, at: now };
  if (stepSink) stepSink[1] = performance.timeOrigin + now;
}

function installGuards(expression: jsonata.Expression, budget: Budget): void {
  let depth = 0;
  const check = () => {
    if (depth > budget.maxDepth) {
      throw new BudgetExceeded("expression_too_large", `expression nested deeper than ${budget.maxDepth} levels`);
    }
    chargeStep(budget);
    if (budget.usedMs > budget.timeoutMs) {
      throw new BudgetExceeded("expression_timeout", `expression ran longer than ${budget.timeoutMs} ms`);
    }
    if (budget.usedMs > budget.sliceMs) throw new BudgetExceeded("expression_deferred", "the evaluation ran past its slice");
  };
  const assign = expression.assign as unknown as (name: symbol, value: unknown) => void;
  assign.call(expression, ENTRY_HOOK, (_expr: unknown, _input: unknown, environment: HookEnvironment) => {
    if (environment?.isParallelCall) return;
    depth += 1;
    check();
  });
  assign.call(
    expression,
    EXIT_HOOK,
    (_expr: unknown, _input: unknown, environment: HookEnvironment, result: unknown) => {
      if (typeof result === "string" && result.length > budget.maxResultBytes) {
        throw new BudgetExceeded("expression_too_large", `a string is longer than ${budget.maxResultBytes} characters`);
      }
      if (Array.isArray(result) && result.length > budget.maxArrayLength) {
        throw new BudgetExceeded("expression_too_large", `an array has more than ${budget.maxArrayLength} items`);
      }
      if (environment?.isParallelCall) return;
      depth -= 1;
      check();
    },
  );
}

/**
 * Copies a JSONata result into plain JSON, counting its size. Undefined members of arrays become
 * null and undefined object fields are dropped (as JSON.stringify does).
 */
function toJson(value: unknown, budget: Budget, depth: number): unknown {
  if (depth > MAX_TEMPLATE_DEPTH) throw new NotJson(`the result is nested deeper than ${MAX_TEMPLATE_DEPTH} levels`);
  const spend = (bytes: number) => {
    budget.usedBytes += bytes;
    if (budget.usedBytes > budget.maxResultBytes) {
      throw new BudgetExceeded("expression_too_large", `the result is larger than ${budget.maxResultBytes} characters of JSON`);
    }
  };
  if (value === undefined) return undefined;
  if (value === null || typeof value === "boolean") {
    spend(5);
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new NotJson("the result is not a finite number");
    spend(String(value).length);
    return value;
  }
  if (typeof value === "string") {
    spend(value.length + 2);
    return value;
  }
  if (typeof value === "function") throw new NotJson("the result is a function, not a JSON value");
  if (Array.isArray(value)) {
    spend(2);
    return value.map((item) => {
      spend(1);
      const copy = toJson(item, budget, depth + 1);
      return copy === undefined ? null : copy;
    });
  }
  if (typeof value === "object") {
    if (value instanceof Date) throw new NotJson("the result is a Date, not a JSON value");
    spend(2);
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const member = toJson((value as Record<string, unknown>)[key], budget, depth + 1);
      if (member === undefined) continue;
      spend(key.length + 4);
      Object.defineProperty(copy, key, { value: member, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  throw new NotJson(`the result is a ${typeof value}, not a JSON value`);
}

async function evaluateOne(
  source: string,
  path: string,
  bindings: Record<string, unknown>,
  budget: Budget,
): Promise<EvaluateResult> {
  const body = expressionBody(source) ?? source;
  const parsed = parseExpression(source);
  if (!parsed.ok) {
    return {
      ok: false,
      error: {
        path,
        code: "invalid_expression",
        message: `invalid expression at position ${parsed.position}: ${parsed.message}`,
        position: parsed.position,
      },
    };
  }
  // The guards hold per-evaluation state in the expression's environment, so a compiled expression
  // is never shared by two evaluations at once: each evaluation takes one out of the pool (or
  // compiles a new one) and gives it back when done. Compiling is most of an evaluation's cost.
  const expression = acquireCompiled(body);
  try {
    installGuards(expression, budget);
    chargeStep(budget);
    const raw: unknown = await expression.evaluate(undefined, bindings);
    return { ok: true, value: toJson(raw, budget, 0) };
  } catch (error) {
    return { ok: false, error: toExpressionError(error, path, source) };
  } finally {
    releaseCompiled(body, expression);
  }
}

/** Copies of one compiled expression kept for reuse (one per evaluation running at once). */
const POOL_MAX_COPIES = 8;
/** Compiled expressions ready for reuse, by source: LRU, bounded in sources, characters and copies per source. */
const compiledPool = new LruCache<string, jsonata.Expression[]>({
  maxEntries: EXPRESSION_CACHE_ENTRIES,
  maxWeight: EXPRESSION_CACHE_CHARS,
  weigh: (_, body) => body.length * POOL_MAX_COPIES,
});

/** How many sources the parse cache and the compiled pool hold, and their characters (tests, the soak). */
export function expressionCacheStats(): { parsed: number; parsedChars: number; compiled: number; compiledChars: number } {
  return { parsed: parseCache.size, parsedChars: parseCache.weight, compiled: compiledPool.size, compiledChars: compiledPool.weight };
}

function acquireCompiled(body: string): jsonata.Expression {
  return compiledPool.get(body)?.pop() ?? compile(body);
}

function releaseCompiled(body: string, expression: jsonata.Expression): void {
  let free = compiledPool.get(body);
  if (!free) {
    free = [];
    compiledPool.set(body, free);
  }
  if (free.length < POOL_MAX_COPIES) free.push(expression);
}

function toExpressionError(error: unknown, path: string, source: string): ExpressionError {
  if (error instanceof BudgetExceeded) return { path, code: error.code, message: error.detail };
  if (error instanceof NotJson) return { path, code: "expression_not_json", message: error.detail };
  if (error instanceof RangeError) {
    return { path, code: "expression_too_large", message: "expression nested too deeply (stack exhausted)" };
  }
  const { code, message, position } = asJsonataError(error);
  const text = typeof message === "string" ? message : String(error);
  const offset = isExpression(source) ? OPENING.length : 0;
  if (code === "D3137") {
    // $error("msg"): the author's own message, verbatim.
    return { path, code: "expression_failed", message: text };
  }
  const at = typeof position === "number" ? offset + position : undefined;
  const suffix = typeof code === "string" ? ` (${code}${at === undefined ? "" : ` at position ${at}`})` : "";
  return { path, code: "expression_failed", message: `${text}${suffix}`, ...(at === undefined ? {} : { position: at }) };
}

function makeBudget(options: EvaluateOptions | undefined): Budget {
  const timeoutMs = options?.timeoutMs ?? EVALUATE_DEFAULTS.timeoutMs;
  return {
    usedMs: 0,
    sliceMs: options?.sliceMs ?? Infinity,
    timeoutMs,
    maxDepth: options?.maxDepth ?? EVALUATE_DEFAULTS.maxDepth,
    maxResultBytes: options?.maxResultBytes ?? EVALUATE_DEFAULTS.maxResultBytes,
    maxArrayLength: options?.maxArrayLength ?? EVALUATE_DEFAULTS.maxArrayLength,
    usedBytes: 0,
  };
}

async function evaluateNode(
  node: unknown,
  path: string,
  bindings: Record<string, unknown>,
  budget: Budget,
  depth: number,
): Promise<EvaluateResult> {
  if (depth > MAX_TEMPLATE_DEPTH) {
    return { ok: false, error: { path, code: "expression_too_large", message: "template nested too deeply" } };
  }
  if (isExpression(node)) return evaluateOne(node, path, bindings, budget);
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    for (let index = 0; index < node.length; index += 1) {
      const result = await evaluateNode(node[index], joinPath(path, index), bindings, budget, depth + 1);
      if (!result.ok) return result;
      out.push(result.value === undefined ? null : result.value);
    }
    return { ok: true, value: out };
  }
  if (typeof node === "object" && node !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) {
      const result = await evaluateNode(
        (node as Record<string, unknown>)[key],
        joinPath(path, key),
        bindings,
        budget,
        depth + 1,
      );
      if (!result.ok) return result;
      if (result.value === undefined) continue;
      Object.defineProperty(out, key, { value: result.value, enumerable: true, writable: true, configurable: true });
    }
    return { ok: true, value: out };
  }
  try {
    return { ok: true, value: toJson(node, budget, depth) };
  } catch (error) {
    return { ok: false, error: toExpressionError(error, path, "") };
  }
}

/**
 * Evaluates a JSON template: every string that is exactly `{% … %}` is replaced by its value;
 * other values are copied. An expression whose value is undefined drops its object field (and is
 * null inside an array); a template that is one such expression evaluates to undefined.
 *
 * Bindings: `$input`, `$tasks`, `$vars`, `$item`, `$index`, `$execution` (see ExpressionContext).
 * The JSONata context value `$` is undefined: everything is read through these variables.
 * Never throws; the first failing expression (document order) is returned as an ExpressionError.
 */
export async function evaluateTemplate(
  template: unknown,
  context: ExpressionContext,
  options?: EvaluateOptions,
): Promise<EvaluateResult> {
  try {
    return await evaluateNode(template, options?.basePath ?? "", bindingsOf(context), makeBudget(options), 0);
  } catch (error) {
    return { ok: false, error: toExpressionError(error, options?.basePath ?? "", "") };
  }
}

/** Evaluates one expression string (`{% … %}`, or a bare JSONata source). Never throws. */
export async function evaluateExpression(
  source: string,
  context: ExpressionContext,
  options?: EvaluateOptions,
): Promise<EvaluateResult> {
  try {
    return await evaluateOne(source, options?.basePath ?? "", bindingsOf(context), makeBudget(options));
  } catch (error) {
    return { ok: false, error: toExpressionError(error, options?.basePath ?? "", source) };
  }
}

/** JSONata's `$boolean()` casting rules, applied to a JSON value. */
export function jsonataTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.some(jsonataTruthy);
  if (typeof value === "object") return Object.keys(value).length > 0;
  return false;
}

/**
 * Evaluates a condition (a task's `when`, a switch case's `when`) to a boolean with JSONata's
 * `$boolean()` rules: undefined, null, false, 0, "" , [] and {} are false. Never throws.
 */
export async function evaluateCondition(
  source: string,
  context: ExpressionContext,
  options?: EvaluateOptions,
): Promise<EvaluateResult<boolean>> {
  const result = await evaluateExpression(source, context, options);
  return result.ok ? { ok: true, value: jsonataTruthy(result.value) } : result;
}
