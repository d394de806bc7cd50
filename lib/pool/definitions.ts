/**
 * A submitted definition made ready for a save (lib/workflow/prepare.ts: expressions counted,
 * validated, canonical text), on the caller's thread when it is small and in the expression pool
 * when it is large, so that a large definition costs a pool thread, not the server's event loop
 * (issue 11: a 4.4 MB definition with 250,000 expressions held the server for 34 s).
 *
 * What stays on the caller's thread for a large definition: JSON.stringify of it (its size, to
 * refuse one over the limit before anything else) and the copy to the thread and back, both
 * linear and bounded by the size limit (a few ms per MiB).
 */
import { prepareDefinition, type PreparedDefinition } from "@/lib/workflow/prepare";
import type { PoolJob } from "./jobs";
import { expressionPool } from "./pool";

/** Definitions up to this many bytes of JSON are prepared on the caller's thread (≈ 1–15 ms). */
export const INLINE_DEFINITION_BYTES = 16 * 1024;
/** A thread preparing a definition is stopped after this long (a bug; 10,000 expressions take ~2 s). */
export const PREPARE_TIMEOUT_MS = 60_000;

export type DefinitionLimits = { maxBytes: number; maxExpressions: number };

/**
 * `bytes`: the size of the definition as JSON text (UTF-8, without whitespace); undefined when
 * it is not JSON at all (validation then says what is wrong with it).
 */
export type SubmittedDefinition = ({ status: "too_large" } | PreparedDefinition) & { bytes: number | undefined };

export async function prepareSubmittedDefinition(input: unknown, limits: DefinitionLimits): Promise<SubmittedDefinition> {
  const bytes = jsonBytes(input);
  if (bytes !== undefined && bytes > limits.maxBytes) return { status: "too_large", bytes };
  if (bytes === undefined || bytes <= INLINE_DEFINITION_BYTES) return { ...prepareDefinition(input, limits.maxExpressions), bytes };
  const job: PoolJob = { kind: "prepare-definition", input, maxExpressions: limits.maxExpressions };
  try {
    const prepared = await expressionPool().run<PreparedDefinition>(job, { lane: "interactive", hardTimeoutMs: PREPARE_TIMEOUT_MS });
    return { ...prepared, bytes };
  } catch (error) {
    // Not a JSON value after all (a function, which JSON.stringify skips): validation says so, here.
    if ((error as Error).name === "DataCloneError") return { ...prepareDefinition(input, limits.maxExpressions), bytes };
    throw error;
  }
}

function jsonBytes(input: unknown): number | undefined {
  try {
    const text = JSON.stringify(input) as string | undefined;
    return text === undefined ? undefined : Buffer.byteLength(text, "utf8");
  } catch {
    return undefined;
  }
}
