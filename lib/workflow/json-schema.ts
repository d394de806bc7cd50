/**
 * The JSON Schema of a workflow definition file, generated from the zod schema (the one source),
 * for editors and for CI in users' repositories (served at /schema/workflow.json).
 *
 * Checks made in code (refinements) are not expressed in it: "exactly one of" rules, URL and
 * date-time formats of strings that may also be expressions, and every graph rule (unknown
 * dependencies, cycles, …). `validateDefinition` is the full check.
 */
import * as z from "zod";
import { workflowDefinitionSchema } from "./schema";

export const WORKFLOW_JSON_SCHEMA_ID = "https://flowdeck.dev/schema/workflow.json";
export const WORKFLOW_JSON_SCHEMA_TITLE = "Flowdeck workflow definition";

let cached: string | undefined;

/** The JSON Schema (draft 2020-12) of a definition. A fresh object each call. */
export function workflowJsonSchema(): Record<string, unknown> {
  if (cached === undefined) {
    const generated = z.toJSONSchema(workflowDefinitionSchema, {
      target: "draft-2020-12",
      unrepresentable: "any",
    }) as Record<string, unknown>;
    const { $schema, ...rest } = generated;
    cached = JSON.stringify({
      $schema,
      $id: WORKFLOW_JSON_SCHEMA_ID,
      title: WORKFLOW_JSON_SCHEMA_TITLE,
      ...rest,
    });
  }
  return JSON.parse(cached) as Record<string, unknown>;
}
