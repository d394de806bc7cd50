/**
 * Everything a save needs from a submitted definition that does not need the database, in one
 * pure step: the number of expressions (checked against the limit first, so a definition with
 * 250,000 expressions costs a count, not 250,000 parses), validation, and the canonical text.
 * lib/services/workflows.ts runs it on the caller's thread for small definitions and in the
 * expression pool (lib/pool) for large ones.
 */
import { serializeDefinition } from "./canonical";
import { countExpressions } from "./expressions";
import type { ValidationIssue } from "./paths";
import type { WorkflowDefinition } from "./schema";
import { validateDefinition } from "./validate";

export type PreparedDefinition =
  | { status: "too_many_expressions"; expressions: number }
  | { status: "invalid"; expressions: number; errors: ValidationIssue[] }
  | {
      status: "valid";
      expressions: number;
      definition: WorkflowDefinition;
      /** serializeDefinition of the definition without `version` (its checksum's text; withVersionLine adds the version). */
      canonicalText: string;
    };

/** `maxExpressions`: more `{% … %}` strings than this and nothing else is looked at. */
export function prepareDefinition(input: unknown, maxExpressions: number): PreparedDefinition {
  const expressions = countExpressions(input, maxExpressions);
  if (expressions > maxExpressions) return { status: "too_many_expressions", expressions };
  const result = validateDefinition(input);
  if (!result.ok) return { status: "invalid", expressions, errors: result.errors };
  // `$schema` is for the editor of a file and is not stored: a file with it and one without are the same version.
  const { $schema: _schema, ...definition } = result.definition;
  const { version: _version, ...content } = definition;
  return { status: "valid", expressions, definition, canonicalText: serializeDefinition(content as WorkflowDefinition) };
}
