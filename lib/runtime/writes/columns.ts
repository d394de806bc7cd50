import type { TaskPatch } from "@/lib/engine/patches";
import { toJsonText } from "@/lib/runtime/json";
import type { RunPatch } from "./types";

/** A pure patch (lib/engine/patches.ts) as TaskRun columns: output and error as JSON text. */
export function rowColumns(patch: TaskPatch): RunPatch & { status: string } {
  const { output, error, ...stamps } = patch;
  return {
    ...stamps,
    ...(output !== undefined ? { output: toJsonText(output) } : {}),
    ...(error !== undefined ? { error: error === null ? null : toJsonText(error) } : {}),
  };
}
