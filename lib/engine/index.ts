/**
 * The pure core of the engine: statuses, transitions, retry math, decide() and rerun planning.
 * No I/O, no clock, no randomness: the runtime passes `now` and persists the commands.
 * (`testing.ts` holds fixtures and a fake runtime for tests; it is not part of this API.)
 */
export * from "./statuses";
export * from "./transitions";
export * from "./retry";
export * from "./types";
export { decide, evaluateTriggerRule, takenBranch, effectiveStatus, isUnsettledFailure, TIMEOUT_ERROR_CODES } from "./decide";
export type { TriggerVerdict } from "./decide";
export { applyCommand, applyCommands, RunBoard } from "./apply";
export type { ApplyResult } from "./apply";
export { planRerun, planRetry, planRestart } from "./rerun";
export type { RerunPlan, PlanError, PlanErrorCode } from "./rerun";
