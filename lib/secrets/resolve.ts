// Secrets for a task that is about to run (server side only: the engine's runners). The values
// are decrypted into memory for the evaluation of the task's params and the masking of what it
// returns, and are never written anywhere (lib/secrets/mask.ts).
//
// Failures are the task's, never the process's: a missing secret, a process without the key or
// with another key, a value whose tag does not verify — each fails the attempt with a code and a
// message naming the secret and what to do (the task's retry policy applies: a retry may run on
// an engine process that has the right key, or after an admin has added the secret).
import type { Db } from "@/lib/db/client";
import type { TaskRunError } from "@/lib/engine/types";
import { openValue } from "@/lib/secrets/cipher";
import { describeKeySource, keyFilePath, loadSecretsKey, SECRETS_KEY_ENV, SecretsKeyError, type SecretsKey } from "@/lib/secrets/key";
import type { SecretValues } from "@/lib/secrets/mask";
import { mentionsSecrets, SECRET_PARAMS, secretUse, type SecretReference } from "@/lib/secrets/references";

export type ResolvedSecrets = { ok: true; secrets: SecretValues | undefined } | { ok: false; error: TaskRunError };

const NONE: ResolvedSecrets = { ok: true, secrets: undefined };

/**
 * The secrets the params of a task of `taskType` read (`$secrets.NAME`), decrypted; `secrets` is
 * undefined when the params read none (nothing is loaded: no query, no key). `basePath` is the
 * params' path, for the messages (`tasks.call.params`).
 */
export async function secretsForTask(db: Db, taskType: string, params: Record<string, unknown>, basePath: string, taskKey: string): Promise<ResolvedSecrets> {
  if (!mentionsSecrets(params)) return NONE;
  const allowed = (SECRET_PARAMS[taskType] ?? []).map((param) => `${basePath}.${param}`);
  const use = secretUse(params, basePath, allowed, () => ({ who: `task "${taskKey}"` }));
  // Refused when the definition was saved; checked again for definitions stored another way.
  if (use.issues.length > 0) return failure("SECRET_NOT_ALLOWED", `${use.issues[0]!.path}: ${use.issues[0]!.message}`);
  if (use.references.length === 0) return NONE;
  return loadSecrets(db, use.references);
}

async function loadSecrets(db: Db, references: SecretReference[]): Promise<ResolvedSecrets> {
  const names = [...new Set(references.map((reference) => reference.name))];
  const rows = await db.secret.findMany({ where: { name: { in: names } }, select: { name: true, ciphertext: true, iv: true, authTag: true, keyId: true } });
  const byName = new Map(rows.map((row) => [row.name, row]));
  for (const reference of references) {
    if (!byName.has(reference.name)) {
      return failure("SECRET_NOT_FOUND", `${reference.path} reads secret ${reference.name}, which does not exist (it was deleted, or never added): add it under Settings → Secrets`);
    }
  }
  let key: SecretsKey | null;
  try {
    key = loadSecretsKey({ create: false });
  } catch (error) {
    if (error instanceof SecretsKeyError) return failure("SECRETS_KEY_INVALID", `secret ${names[0]} cannot be decrypted: ${error.message}`);
    throw error;
  }
  const secrets: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of names) {
    const row = byName.get(name)!;
    if (!key) {
      return failure(
        "SECRETS_KEY_MISSING",
        `secret ${name} cannot be decrypted: this process has no secrets key (${SECRETS_KEY_ENV} is not set and ${keyFilePath()} does not exist); ` +
          `give every engine process the key of the server that saved the secret (key ${row.keyId}) in ${SECRETS_KEY_ENV}`,
      );
    }
    const opened = openValue(key, name, row);
    if (!opened.ok && opened.reason === "other-key") {
      return failure(
        "SECRET_KEY_MISMATCH",
        `secret ${name} was encrypted with key ${opened.keyId}, but this process's key (from ${describeKeySource(key)}) is ${key.keyId}: ` +
          `every engine process needs the same ${SECRETS_KEY_ENV} (or set the secret again to encrypt it with this key)`,
      );
    }
    if (!opened.ok) {
      return failure("SECRET_UNREADABLE", `secret ${name} could not be decrypted with key ${key.keyId}: its stored value does not verify (altered, or copied from another secret); set it again`);
    }
    secrets[name] = opened.value;
  }
  return { ok: true, secrets };
}

function failure(code: string, message: string): ResolvedSecrets {
  return { ok: false, error: { code, message } };
}

/** The expression context with `$secrets` bound (unchanged when the task reads none). */
export function withSecrets<C extends object>(context: C, secrets: SecretValues | undefined): C & { secrets?: Record<string, string> } {
  return secrets ? { ...context, secrets: { ...secrets } } : context;
}
