// Managing secrets (admins; GET/PUT/DELETE /api/secrets and the Settings page): set (create or
// replace), list names (never values), delete. Values go in once and never come out of here:
// only lib/secrets/resolve.ts decrypts, for a task that is about to run.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/auth/secrets";
import { notFound, ServiceError } from "@/lib/services/errors";
import { sealValue } from "@/lib/secrets/cipher";
import { describeKeySource, keyFilePath, loadSecretsKey, SECRETS_KEY_ENV, SecretsKeyError } from "@/lib/secrets/key";
import { assertSecretName } from "@/lib/secrets/names";

/** Longest value, in characters. @default 65536 */
export const MAX_SECRET_VALUE_CHARS = 65_536;

export const secretValueSchema = z
  .object({
    value: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(MAX_SECRET_VALUE_CHARS, { error: `must be at most ${MAX_SECRET_VALUE_CHARS} characters` }),
  })
  .strict();

/**
 * A secret as the API and the Settings page see it: who set it and when, and the id of the key
 * that encrypted it (a fingerprint, to tell a value this server cannot read); never its value.
 */
export type SecretView = { name: string; keyId: string; createdBy: string | null; createdAt: string; updatedBy: string | null; updatedAt: string };

/** Columns that may leave this module; the ciphertext columns are never selected for a view. */
const VIEW_COLUMNS = { name: true, keyId: true, createdBy: true, createdAt: true, updatedBy: true, updatedAt: true } as const;

type ViewRow = { name: string; keyId: string; createdBy: string | null; createdAt: Date; updatedBy: string | null; updatedAt: Date };

function toView(row: ViewRow): SecretView {
  return { name: row.name, keyId: row.keyId, createdBy: row.createdBy, createdAt: row.createdAt.toISOString(), updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() };
}

/** This server's key for the Settings page: its id and where it comes from, or what is wrong with it. */
export type SecretsKeyStatus = { ok: true; keyId: string; source: string } | { ok: false; problem: string };

export function secretsKeyStatus(): SecretsKeyStatus {
  try {
    const key = loadSecretsKey({ create: false });
    if (!key) return { ok: false, problem: `no key yet: ${SECRETS_KEY_ENV} is not set and ${keyFilePath()} does not exist (it is created when the first secret is saved)` };
    return { ok: true, keyId: key.keyId, source: describeKeySource(key) };
  } catch (error) {
    if (error instanceof SecretsKeyError) return { ok: false, problem: error.message };
    throw error;
  }
}

/**
 * Creates the secret or replaces its value (a fresh IV each time), encrypted under this process's
 * key (the key file is created if there is none yet). `created` tells which.
 */
export async function setSecret(db: Db, name: string, input: unknown, actor: string): Promise<{ created: boolean; secret: SecretView }> {
  assertSecretName(name);
  const { value } = secretValueSchema.parse(input);
  let key;
  try {
    key = loadSecretsKey({ create: true })!;
  } catch (error) {
    if (error instanceof SecretsKeyError) throw new ServiceError("SERVICE_UNAVAILABLE", `secrets cannot be saved: ${error.message}`);
    throw error;
  }
  const sealed = sealValue(key, name, value);
  const existing = await db.secret.findUnique({ where: { name }, select: { id: true } });
  if (existing) {
    const row = await db.secret.update({ where: { name }, data: { ...sealed, updatedBy: actor }, select: VIEW_COLUMNS });
    return { created: false, secret: toView(row) };
  }
  try {
    const row = await db.secret.create({ data: { id: newId("sec"), name, ...sealed, createdBy: actor, updatedBy: actor }, select: VIEW_COLUMNS });
    return { created: true, secret: toView(row) };
  } catch (error) {
    // Two first saves of one name at once: the unique name lets one create it; the other replaces it.
    if ((error as { code?: string }).code !== "P2002") throw error;
    const row = await db.secret.update({ where: { name }, data: { ...sealed, updatedBy: actor }, select: VIEW_COLUMNS });
    return { created: false, secret: toView(row) };
  }
}

/** Every secret's name and who set it when, by name. */
export async function listSecrets(db: Db): Promise<SecretView[]> {
  return (await db.secret.findMany({ select: VIEW_COLUMNS, orderBy: { name: "asc" } })).map(toView);
}

/**
 * Deletes a secret. Definitions that read it stay as they are (versions are immutable); their
 * tasks fail at run time with SECRET_NOT_FOUND naming it, and saving such a definition again is
 * refused until the secret exists again.
 */
export async function deleteSecret(db: Db, name: string): Promise<{ deleted: string }> {
  assertSecretName(name);
  const { count } = await db.secret.deleteMany({ where: { name } });
  if (count === 0) throw notFound(`secret ${name} not found`);
  return { deleted: name };
}

/** The names among `names` that are not stored. */
export async function missingSecrets(db: Db, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const unique = [...new Set(names)];
  const found = new Set((await db.secret.findMany({ where: { name: { in: unique } }, select: { name: true } })).map((row) => row.name));
  return unique.filter((name) => !found.has(name));
}
