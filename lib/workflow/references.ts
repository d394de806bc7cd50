/**
 * The workflows a definition runs: its subworkflow tasks, its maps of a workflow, and the
 * subworkflow item tasks of its maps. Pure; the checks that need the stored workflows (unknown
 * names, cycles between workflows) are in lib/services/workflows.ts.
 */
import { joinPath } from "./paths";
import type { WorkflowDefinition } from "./schema";

export interface WorkflowReference {
  /** The task that runs the workflow. */
  taskKey: string;
  /** Path of the workflow's name in the definition, e.g. `tasks[2].params.workflow`. */
  path: string;
  /** The workflow run, and its version when the reference pins one (latest otherwise). */
  workflow: string;
  version?: number;
}

/** Every workflow reference of a valid definition, in task order. */
export function workflowReferences(definition: WorkflowDefinition): WorkflowReference[] {
  const references: WorkflowReference[] = [];
  definition.tasks.forEach((task, index) => {
    const at = (suffix: string) => `${joinPath("tasks", index)}.params.${suffix}`;
    const add = (path: string, workflow: string, version: number | undefined) =>
      references.push({ taskKey: task.key, path, workflow, ...(version !== undefined ? { version } : {}) });
    if (task.type === "subworkflow") add(at("workflow"), task.params.workflow, task.params.version);
    if (task.type === "map" && task.params.workflow) add(at("workflow.name"), task.params.workflow.name, task.params.workflow.version);
    if (task.type === "map" && task.params.task?.type === "subworkflow") {
      add(at("task.params.workflow"), task.params.task.params.workflow, task.params.task.params.version);
    }
  });
  return references;
}

/** " v3" for a reference pinned to version 3, "" for one that runs the latest version. */
export function versionLabel(reference: Pick<WorkflowReference, "version">): string {
  return reference.version === undefined ? "" : ` v${reference.version}`;
}
