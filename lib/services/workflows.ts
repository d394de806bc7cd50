import { createHash, randomUUID } from "node:crypto";
import { retireTriggersOf, syncTriggers } from "@/lib/triggers/sync";
import { describeStartCycle, findStartCycle, findTriggerCycle } from "@/lib/triggers/cycles";
import type { Db } from "@/lib/db/client";
import {
  findLatestVersion,
  findVersion,
  findVersionByChecksum,
  insertVersion,
  listLatestVersions,
  listVersions,
  workflowExists,
  type WorkflowDefinitionRow,
} from "@/lib/db/workflow-repository";
import {
  definitionWarnings,
  serializeDefinition,
  versionLabel,
  withVersionLine,
  workflowReferences,
  type ValidationIssue,
  type WorkflowDefinition,
  type WorkflowReference,
} from "@/lib/workflow";
import { conflict, notFound, ServiceError, validationFailed, type ErrorDetail } from "@/lib/services/errors";
import { assertSecretReferences } from "@/lib/secrets/definitions";
import { checkSavePrecondition, type SavePrecondition } from "@/lib/services/save-precondition";
import { compileJsonSchema } from "@/lib/workflow/json-schema-validator";
import { boundFromEnv } from "@/lib/workflow/lru";
import { prepareSubmittedDefinition } from "@/lib/pool/definitions";
import { THREAD_HEAP_MB } from "@/lib/pool/pool";
import { PoolBusyError, PoolClosedError, PoolThreadError, PoolTimeoutError } from "@/lib/pool/thread-pool";

/** A workflow version as the API returns it. */
export type WorkflowVersionView = {
  name: string;
  version: number;
  description: string | null;
  checksum: string;
  taskCount: number;
  createdAt: string;
  createdBy: string | null;
  /** The version this one restores ("Restore as new version"), or null. */
  restoredFrom: number | null;
  definition: WorkflowDefinition;
};

export type WorkflowSummaryView = Omit<WorkflowVersionView, "definition"> & {
  versionCount: number;
  definition: WorkflowDefinition;
};

/**
 * A save's answer. `warnings` are problems that do not stop the save (a workflow run by a task
 * that does not exist yet, a task that runs this workflow itself); the designer lists them in its
 * problems panel. Paths are relative to the definition.
 */
export type SaveResult = { created: boolean; workflow: WorkflowVersionView; warnings: ValidationIssue[] };

/** Most imported definitions in one request. @default 200 */
export const MAX_IMPORT_DEFINITIONS = 200;

/**
 * The identity of a definition's content: sha256 of its canonical JSON without `version`, so the
 * same content saved again is recognised whatever version number the file carries.
 */
export function definitionChecksum(definition: WorkflowDefinition): string {
  const { version: _version, ...content } = definition;
  return textChecksum(serializeDefinition(content as WorkflowDefinition));
}

/** The checksum of a canonical text without `version` (what definitionChecksum hashes). */
function textChecksum(canonicalTextWithoutVersion: string): string {
  return createHash("sha256").update(canonicalTextWithoutVersion).digest("hex");
}

function toView(row: WorkflowDefinitionRow): WorkflowVersionView {
  return {
    name: row.name,
    version: row.version,
    description: row.description,
    checksum: row.checksum,
    taskCount: row.taskCount,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    restoredFrom: row.restoredFrom,
    definition: JSON.parse(row.definition) as WorkflowDefinition,
  };
}

/**
 * Names that would collide with fixed routes (`/workflows/new`, `/api/workflows/import`, `/api/workflows/test`), so a
 * workflow with one of them could never be opened.
 */
export const RESERVED_WORKFLOW_NAMES = ["new", "import", "test"] as const;

/** Largest definition, as JSON text without whitespace (FLOWDECK_MAX_DEFINITION_BYTES). @default 1 MiB */
export const MAX_DEFINITION_BYTES = boundFromEnv("FLOWDECK_MAX_DEFINITION_BYTES", 1024 * 1024);
/** Most `{% … %}` expressions in one definition (FLOWDECK_MAX_EXPRESSIONS). @default 10,000 */
export const MAX_DEFINITION_EXPRESSIONS = boundFromEnv("FLOWDECK_MAX_EXPRESSIONS", 10_000);

/** A valid definition ready to store: its canonical text without `version`, and that text's checksum. */
export type ParsedDefinition = { definition: WorkflowDefinition; canonicalText: string; checksum: string };

/**
 * Validates untrusted input into a definition (off the event loop when it is large, lib/pool),
 * or throws: 413 PAYLOAD_TOO_LARGE over the size or expression limit (checked first, naming the
 * size or count, the limit and its setting), 400 listing every problem with its path, 503 when
 * the expression pool is full.
 */
export async function parseDefinitionOrThrow(input: unknown, pathPrefix = ""): Promise<ParsedDefinition> {
  const where = pathPrefix ? `definition ${pathPrefix} ` : "definition ";
  const prepared = await prepareSubmittedDefinition(input, { maxBytes: MAX_DEFINITION_BYTES, maxExpressions: MAX_DEFINITION_EXPRESSIONS }).catch((error: unknown) => {
    throw preparationFailure(error, where);
  });
  if (prepared.status === "too_large") {
    throw new ServiceError("PAYLOAD_TOO_LARGE", `the ${where}is ${prepared.bytes} bytes of JSON; the limit is ${MAX_DEFINITION_BYTES} bytes (FLOWDECK_MAX_DEFINITION_BYTES)`, [
      { path: pathPrefix, message: `is ${prepared.bytes} bytes; at most ${MAX_DEFINITION_BYTES}` },
    ]);
  }
  if (prepared.status === "too_many_expressions") {
    throw new ServiceError("PAYLOAD_TOO_LARGE", `the ${where}has more than ${MAX_DEFINITION_EXPRESSIONS} expressions; the limit is ${MAX_DEFINITION_EXPRESSIONS} (FLOWDECK_MAX_EXPRESSIONS)`, [
      { path: pathPrefix, message: `has more than ${MAX_DEFINITION_EXPRESSIONS} {% … %} expressions` },
    ]);
  }
  const issues = prepared.status === "invalid" ? [...prepared.errors] : [];
  const name = (input as { name?: unknown } | null)?.name;
  if (typeof name === "string" && (RESERVED_WORKFLOW_NAMES as readonly string[]).includes(name)) {
    issues.unshift({ path: "name", message: `'${name}' is reserved; choose another workflow name`, code: "reserved_name" });
  }
  // The input schema must be one the validator can compile, or no execution could ever start.
  if (prepared.status === "valid" && prepared.definition.input) {
    const compiled = compileJsonSchema(prepared.definition.input);
    if (!compiled.ok) issues.push({ path: "input", message: `is not a valid JSON Schema: ${compiled.message}`, code: "invalid_input_schema" });
  }
  if (prepared.status === "valid" && issues.length === 0) {
    return { definition: prepared.definition, canonicalText: prepared.canonicalText, checksum: textChecksum(prepared.canonicalText) };
  }
  const details: ErrorDetail[] = issues.map((issue) => ({
    path: joinPath(pathPrefix, issue.path),
    message: issue.message,
  }));
  const count = details.length;
  throw validationFailed(`the workflow definition has ${count} problem${count === 1 ? "" : "s"}`, details);
}

/** The pool could not prepare the definition: busy (503), or it was too much for a thread (413). */
function preparationFailure(error: unknown, where: string): unknown {
  if (error instanceof PoolBusyError || error instanceof PoolClosedError) {
    return new ServiceError("UNAVAILABLE", `the server is too busy to validate the ${where}now (${error.message}); try again`);
  }
  if (error instanceof PoolTimeoutError) {
    return new ServiceError("PAYLOAD_TOO_LARGE", `the ${where}could not be validated within ${error.timeoutMs} ms; make it smaller`);
  }
  if (error instanceof PoolThreadError && error.code === "ERR_WORKER_OUT_OF_MEMORY") {
    return new ServiceError("PAYLOAD_TOO_LARGE", `validating the ${where}needed more than ${THREAD_HEAP_MB} MiB of memory; make it smaller`);
  }
  return error;
}

function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;
}

type TxDb = Pick<Db, "workflowDefinition" | "trigger">;

/**
 * Stores a valid definition as the next version of its workflow — unless its content equals the
 * latest version's, in which case nothing is written and that version is returned. The
 * precondition (save-precondition.ts) is checked against the latest version read in the same
 * transaction; two saves based on one version both pass it only to collide on the unique
 * (name, version) index, and the retry then finds the other one's version and refuses.
 */
async function saveValidDefinition(
  tx: TxDb,
  parsed: ParsedDefinition,
  actor: string,
  precondition: SavePrecondition = {},
  restoredFrom: number | null = null,
): Promise<Omit<SaveResult, "warnings">> {
  const { definition, checksum } = parsed;
  const latest = await findLatestVersion(tx, definition.name);
  await checkSavePrecondition(definition.name, precondition, latest && toView(latest), checksum, async (by) => {
    const row = "version" in by ? await findVersion(tx, definition.name, by.version) : await findVersionByChecksum(tx, definition.name, by.checksum);
    return row && toView(row);
  });
  if (latest && latest.checksum === checksum) return { created: false, workflow: toView(latest) };
  const version = (latest?.version ?? 0) + 1;
  const row = await insertVersion(tx, {
    id: randomUUID(),
    name: definition.name,
    version,
    // serializeDefinition({ ...definition, version }), from the text prepared off the event loop.
    definition: withVersionLine(parsed.canonicalText, version),
    checksum,
    description: definition.description ?? null,
    taskCount: definition.tasks.length,
    createdAt: new Date(),
    createdBy: actor,
    restoredFrom,
  });
  // The triggers' runtime state follows the new version, in this transaction (lib/triggers/sync.ts).
  await syncTriggers(tx, row, definition, row.createdAt);
  return { created: true, workflow: toView(row) };
}

/**
 * Two saves of one workflow at once both compute "latest + 1"; the unique (name, version) index
 * lets one win and the other fails with P2002. Retrying re-reads the latest version, so the loser
 * becomes the next version (or a no-op if it was identical).
 */
async function withVersionRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "P2002" || attempt >= 5) {
        if (code === "P2002") throw new ServiceError("CONFLICT", "another save of this workflow kept winning; try again");
        throw error;
      }
    }
  }
}

/**
 * Saves a definition as the next version of its workflow. `precondition` says what the save is
 * based on (lib/services/save-precondition.ts): a new workflow, a version, a checksum, or nothing
 * (scripts); a save that would overwrite unseen work is refused with SaveConflictError (409).
 */
export async function saveWorkflow(db: Db, input: unknown, actor: string, precondition: SavePrecondition = {}): Promise<SaveResult> {
  const parsed = await parseDefinitionOrThrow(input);
  await assertSecretReferences(db, [parsed.definition]);
  const warnings = await checkWorkflowReferences(db, [parsed.definition]);
  const saved = await withVersionRetry(() => db.$transaction((tx) => saveValidDefinition(tx, parsed, actor, precondition)));
  return { ...saved, warnings: warnings[0]! };
}

/**
 * "Restore as new version": saves version `version`'s definition as the next version, recorded
 * with who did it and which version it restores. Nothing older is changed or removed. The
 * definition is checked as any save is (its secrets and the workflows it runs may be gone since);
 * restoring content equal to the latest version writes nothing and answers `created: false`.
 */
export async function restoreWorkflowVersion(db: Db, name: string, version: number, actor: string, precondition: SavePrecondition = {}): Promise<SaveResult> {
  const row = await findVersion(db, name, version);
  if (!row) throw notFound((await findLatestVersion(db, name)) ? `workflow '${name}' has no version ${version}` : `workflow '${name}' not found`);
  const parsed = await parseDefinitionOrThrow(JSON.parse(row.definition));
  await assertSecretReferences(db, [parsed.definition]);
  const warnings = await checkWorkflowReferences(db, [parsed.definition]);
  const saved = await withVersionRetry(() => db.$transaction((tx) => saveValidDefinition(tx, parsed, actor, precondition, version)));
  return { ...saved, warnings: warnings[0]! };
}

// ---------------------------------------------------------------------------------------------
// References between workflows (subworkflow tasks, maps of a workflow): checks that need the
// stored workflows. The pure part (finding the references, self-reference) is lib/workflow.

/**
 * The warnings of each definition about the workflows it runs (a workflow, or a pinned version,
 * that is not stored and not among `definitions`), and a refusal (409 CONFLICT naming the chain)
 * when saving them would close a cycle between workflows: A runs B, and B (its latest version, or
 * the version A pins) runs A, however long the chain. The definitions saved together count as the
 * latest versions of their names. A direct self-reference is only a warning (definitionWarnings).
 */
export async function checkWorkflowReferences(db: Db, definitions: readonly WorkflowDefinition[]): Promise<ValidationIssue[][]> {
  const batch = new Map(definitions.map((definition) => [definition.name, definition]));
  const stored = new Map<string, WorkflowDefinition | null>();
  /** The definition a reference runs: from the batch (latest only), or stored; null when absent. */
  const resolve = async (name: string, version: number | undefined): Promise<WorkflowDefinition | null> => {
    if (version === undefined && batch.has(name)) return batch.get(name)!;
    const id = `${name}@${version ?? "latest"}`;
    if (!stored.has(id)) {
      const row = version === undefined ? await findLatestVersion(db, name) : await findVersion(db, name, version);
      stored.set(id, row ? (JSON.parse(row.definition) as WorkflowDefinition) : null);
    }
    return stored.get(id)!;
  };

  /** Which workflows start when one ends: the active workflow triggers stored, with the batch's own in place of their stored ones. */
  let targetsBySource: Map<string, string[]> | undefined;
  const triggerTargets = async (source: string): Promise<string[]> => {
    if (!targetsBySource) {
      targetsBySource = new Map();
      const add = (from: string, to: string) => targetsBySource!.set(from, [...(targetsBySource!.get(from) ?? []), to]);
      const rows = await db.trigger.findMany({ where: { type: "workflow", retiredAt: null }, select: { workflowName: true, spec: true } });
      for (const row of rows) {
        if (batch.has(row.workflowName)) continue;
        const spec = JSON.parse(row.spec) as { workflow?: unknown };
        if (typeof spec.workflow === "string") add(spec.workflow, row.workflowName);
      }
      for (const member of batch.values()) for (const trigger of member.triggers ?? []) if (trigger.type === "workflow") add(trigger.workflow, member.name);
    }
    return targetsBySource.get(source) ?? [];
  };

  const results: ValidationIssue[][] = [];
  for (const definition of definitions) {
    const warnings = await referenceWarnings(db, definition, batch);
    const triggerCycle = await findTriggerCycle(definition, (name) => resolve(name, undefined));
    if (triggerCycle) {
      throw conflict(`workflow '${definition.name}' is not saved: its workflow triggers would form a cycle ${triggerCycle.chain.join(" → ")}`, [
        { path: triggerCycle.path, message: `trigger "${triggerCycle.key}" starts "${definition.name}" when "${triggerCycle.chain[1]}" ends, and the chain of workflow triggers leads back: ${triggerCycle.chain.join(" → ")}` },
      ]);
    }
    const cycle = await findCycle(definition, resolve);
    if (cycle) {
      const chain = cycle.chain.join(" → ");
      throw conflict(`workflow '${definition.name}' is not saved: it would close a cycle of workflows ${chain}`, [
        { path: cycle.path, message: `task "${cycle.taskKey}" runs workflow "${cycle.chain[1]}", which leads back to "${definition.name}": ${chain}` },
      ]);
    }
    const startCycle = await findStartCycle(definition, (name) => resolve(name, undefined), triggerTargets, (reached) => workflowReferences(reached).map((reference) => reference.workflow));
    if (startCycle) {
      const described = describeStartCycle(startCycle);
      const first = startCycle[0]!;
      const last = startCycle[startCycle.length - 1]!;
      // Point at the definition's own part of the cycle: the task that runs the first child, or the trigger that closes it.
      const path =
        first.kind === "runs"
          ? (workflowReferences(definition).find((reference) => reference.workflow === first.to)?.path ?? "tasks")
          : `triggers[${(definition.triggers ?? []).findIndex((trigger) => trigger.type === "workflow" && trigger.workflow === last.from)}].workflow`;
      throw conflict(`workflow '${definition.name}' is not saved: its executions would start each other forever: ${described}`, [
        { path, message: `closes a cycle of starts through workflow triggers and child workflows: ${described}` },
      ]);
    }
    results.push(warnings);
  }
  return results;
}

/**
 * The warnings of a valid definition: a task running its own workflow, and workflows (or pinned
 * versions) it runs that are neither stored nor in `batch` (definitions saved along with it).
 * The designer shows them when it opens a stored workflow, and after each save.
 */
export async function referenceWarnings(db: Db, definition: WorkflowDefinition, batch: ReadonlyMap<string, WorkflowDefinition> = new Map()): Promise<ValidationIssue[]> {
  const warnings = [...definitionWarnings(definition)];
  for (const reference of workflowReferences(definition)) {
    if (reference.workflow === definition.name && reference.version === undefined) continue;
    const exists = (reference.version === undefined && batch.has(reference.workflow)) || (await workflowExists(db, reference.workflow, reference.version));
    if (!exists) warnings.push(unknownWorkflowIssue(reference));
  }
  return warnings;
}

function unknownWorkflowIssue(reference: WorkflowReference): ValidationIssue {
  return {
    path: reference.path,
    code: "unknown_workflow",
    message: `task "${reference.taskKey}" runs workflow "${reference.workflow}"${versionLabel(reference)}, which does not exist (yet): executions of this workflow cannot start until it is saved`,
  };
}

/**
 * A chain of workflows from `definition` back to its own name, other than a direct self-reference:
 * a breadth-first walk over what each reached workflow runs, each (name, version) visited once,
 * so it ends on any set of stored workflows and finds the shortest chain.
 */
async function findCycle(
  definition: WorkflowDefinition,
  resolve: (name: string, version: number | undefined) => Promise<WorkflowDefinition | null>,
): Promise<{ chain: string[]; path: string; taskKey: string } | undefined> {
  const visited = new Set<string>();
  const queue: Array<{ name: string; version: number | undefined; chain: string[]; first: WorkflowReference }> = [];
  // "Back to the definition" is a reference to its name without a version (its latest version is
  // the one being saved); a pinned version of it is a stored definition, walked like the others.
  const closes = (reference: WorkflowReference) => reference.workflow === definition.name && reference.version === undefined;
  for (const reference of workflowReferences(definition)) {
    if (closes(reference)) continue; // a direct self-reference: a warning (definitionWarnings)
    queue.push({ name: reference.workflow, version: reference.version, chain: [definition.name, reference.workflow], first: reference });
  }
  for (let at = 0; at < queue.length; at += 1) {
    const { name, version, chain, first } = queue[at]!;
    const id = `${name}@${version ?? "latest"}`;
    if (visited.has(id)) continue;
    visited.add(id);
    const reached = await resolve(name, version);
    if (!reached) continue;
    for (const next of workflowReferences(reached)) {
      if (closes(next)) return { chain: [...chain, definition.name], path: first.path, taskKey: first.taskKey };
      queue.push({ name: next.workflow, version: next.version, chain: [...chain, next.workflow], first });
    }
  }
  return undefined;
}

/**
 * Refuses to start an execution of a definition that runs a workflow (or a pinned version) that is
 * not stored: 409 CONFLICT naming each such task and workflow, instead of a task failing later.
 */
export async function assertWorkflowReferencesExist(db: Db, definition: WorkflowDefinition, version: number): Promise<void> {
  const missing: ErrorDetail[] = [];
  for (const reference of workflowReferences(definition)) {
    if (reference.workflow === definition.name && reference.version === undefined) continue;
    if (await workflowExists(db, reference.workflow, reference.version)) continue;
    missing.push({ path: reference.path, message: `task "${reference.taskKey}" runs workflow "${reference.workflow}"${versionLabel(reference)}, which does not exist` });
  }
  if (missing.length === 0) return;
  throw conflict(`workflow '${definition.name}' v${version} cannot start: ${missing.map((detail) => detail.message).join("; ")}; save the missing workflow first`, missing);
}

/**
 * Imports one definition or an array of them, all or nothing: every definition is validated first
 * (errors carry the array index in their path), then all are saved in one transaction. References
 * between the imported definitions count (they are checked as if all were saved).
 */
export async function importWorkflows(db: Db, input: unknown, actor: string): Promise<SaveResult[]> {
  const items = Array.isArray(input) ? input : [input];
  if (items.length === 0) throw new ServiceError("BAD_REQUEST", "nothing to import: the array is empty");
  if (items.length > MAX_IMPORT_DEFINITIONS) {
    throw new ServiceError("BAD_REQUEST", `at most ${MAX_IMPORT_DEFINITIONS} definitions per import; got ${items.length}`);
  }
  // Prepared side by side (large ones on the pool's threads); a limit broken by any of them refuses the import first.
  const outcomes = await Promise.allSettled(items.map((item, index) => parseDefinitionOrThrow(item, Array.isArray(input) ? `[${index}]` : "")));
  const refusals = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as unknown] : []));
  const unexpected = refusals.find((error) => !(error instanceof ServiceError) || error.code !== "VALIDATION_FAILED");
  if (unexpected) throw unexpected;
  if (refusals.length > 0) {
    const details = refusals.flatMap((error) => (error as ServiceError).details);
    throw validationFailed(`import refused: ${details.length} problem${details.length === 1 ? "" : "s"}; nothing was saved`, details);
  }
  const parsed = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<ParsedDefinition>).value);
  const definitions = parsed.map((entry) => entry.definition);
  await assertSecretReferences(db, definitions, (index) => (Array.isArray(input) ? `[${index}]` : ""));
  const warnings = await checkWorkflowReferences(db, definitions);
  return withVersionRetry(() =>
    db.$transaction(async (tx) => {
      const results: SaveResult[] = [];
      for (const [index, entry] of parsed.entries()) {
        results.push({ ...(await saveValidDefinition(tx, entry, actor)), warnings: warnings[index]! });
      }
      return results;
    }),
  );
}

export async function listWorkflows(db: Db): Promise<WorkflowSummaryView[]> {
  const rows = await listLatestVersions(db);
  return rows.map((row) => ({ ...toView(row), versionCount: row.versionCount }));
}

export async function getWorkflow(db: Db, name: string, version?: number): Promise<WorkflowVersionView> {
  const row = version === undefined ? await findLatestVersion(db, name) : await findVersion(db, name, version);
  if (!row) {
    throw notFound(version === undefined ? `workflow '${name}' not found` : `workflow '${name}' has no version ${version}`);
  }
  return toView(row);
}

export async function getWorkflowVersions(db: Db, name: string) {
  const rows = await listVersions(db, name);
  if (rows.length === 0) throw notFound(`workflow '${name}' not found`);
  return rows.map((row) => ({ ...row, id: undefined, createdAt: row.createdAt.toISOString() }));
}

/** The stored canonical JSON text of a version: byte for byte what was saved. */
export async function exportWorkflow(db: Db, name: string, version?: number): Promise<{ fileName: string; text: string }> {
  const row = version === undefined ? await findLatestVersion(db, name) : await findVersion(db, name, version);
  if (!row) throw notFound(version === undefined ? `workflow '${name}' not found` : `workflow '${name}' has no version ${version}`);
  return { fileName: `${row.name}.json`, text: row.definition };
}

/**
 * Deletes a workflow: all its versions, or only `version`. Executions pin the version they run, so
 * a version that an execution ran is kept: the delete is refused (409 naming how many executions
 * use it) and nothing is removed. Answers the versions deleted.
 */
export async function deleteWorkflow(db: Db, name: string, version?: number): Promise<{ name: string; deleted: number[] }> {
  const versions = await db.workflowDefinition.findMany({ where: { name, ...(version !== undefined ? { version } : {}) }, select: { id: true, version: true } });
  if (versions.length === 0) {
    throw notFound(version === undefined ? `workflow '${name}' not found` : `workflow '${name}' has no version ${version}`);
  }
  const ids = versions.map((v) => v.id);
  const used = await db.execution.count({ where: { definitionId: { in: ids } } });
  if (used > 0) {
    const what = version === undefined ? `workflow '${name}'` : `version ${version} of workflow '${name}'`;
    throw conflict(`${what} is pinned by ${used} execution${used === 1 ? "" : "s"}; it is kept so that they stay readable and can be rerun`);
  }
  const remaining = version === undefined ? 0 : await db.workflowDefinition.count({ where: { name } }) - ids.length;
  await db.$transaction(async (tx) => {
    await tx.workflowDefinition.deleteMany({ where: { id: { in: ids } } });
    if (remaining === 0) await retireTriggersOf(tx, name, new Date());
  });
  return { name, deleted: versions.map((v) => v.version).sort((a, b) => a - b) };
}
