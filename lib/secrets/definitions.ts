// The save check of a definition's secrets (lib/services/workflows.ts calls it for saves and
// imports): a secret read where its value would be stored, `$secrets` without a name, and a
// secret that does not exist are errors — 400 naming the task's path and the secret, and nothing
// is saved. Like the references between workflows, but an error instead of a warning: a
// definition naming an unknown secret could only fail.
import type { Db } from "@/lib/db/client";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { validationFailed, type ErrorDetail } from "@/lib/services/errors";
import { definitionSecretUse } from "@/lib/secrets/references";
import { missingSecrets } from "@/lib/secrets/service";

/** Throws a 400 listing every problem of the definitions' secrets; `prefixOf(i)` prefixes the paths of definition i (imports). */
export async function assertSecretReferences(db: Db, definitions: readonly WorkflowDefinition[], prefixOf: (index: number) => string = () => ""): Promise<void> {
  const details: ErrorDetail[] = [];
  const uses = definitions.map((definition) => definitionSecretUse(definition));
  const missing = new Set(await missingSecrets(db, uses.flatMap((use) => use.references.map((reference) => reference.name))));
  uses.forEach((use, index) => {
    const at = (path: string) => joinPrefix(prefixOf(index), path);
    for (const issue of use.issues) details.push({ path: at(issue.path), message: issue.message });
    for (const reference of use.references) {
      if (!missing.has(reference.name)) continue;
      const who = reference.taskKey === undefined ? "it" : `task "${reference.taskKey}"`;
      details.push({ path: at(reference.path), message: `${who} reads secret ${reference.name}, which does not exist: add it under Settings → Secrets (or PUT /api/secrets/${reference.name}) first` });
    }
  });
  if (details.length === 0) return;
  const each = details.map((detail) => `${detail.path}: ${detail.message}`);
  throw validationFailed(details.length === 1 ? each[0]! : `the workflow definition has ${details.length} problems with secrets: ${each.join("; ")}`, details);
}

function joinPrefix(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;
}
