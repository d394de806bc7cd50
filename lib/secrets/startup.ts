// The secrets key at a process's start: the web server creates the key file on its first start
// (when FLOWDECK_SECRETS_KEY is not set); an engine-only process (`npm run worker`) never creates
// one — it only decrypts, and a key of its own could decrypt nothing. Problems are logged, never
// thrown: the server starts, and what needs the key fails with a message saying what to fix.
// The warnings about other processes are given only when secrets are stored.
import type { Db } from "@/lib/db/client";
import type { DatabaseProvider } from "@/lib/db/config";
import { describeKeySource, keyFilePath, loadSecretsKey, SECRETS_KEY_ENV } from "@/lib/secrets/key";

export async function prepareSecretsKey(db: Db, processKind: "server" | "worker", provider: DatabaseProvider): Promise<void> {
  try {
    const key = loadSecretsKey({ create: processKind === "server" });
    const stored = await db.secret.count();
    if (!key) {
      if (stored === 0) return;
      console.warn(
        `[secrets] this ${processKind} has no secrets key (${SECRETS_KEY_ENV} is not set and ${keyFilePath()} does not exist): ` +
          `tasks that read secrets fail here with SECRETS_KEY_MISSING; set ${SECRETS_KEY_ENV} to the web server's key`,
      );
      return;
    }
    if (key.created) console.log(`[secrets] created the secrets key ${describeKeySource(key)} (mode 0600, key ${key.keyId}); back it up: secrets cannot be read without it`);
    const otherKeys = stored === 0 ? [] : (await db.secret.findMany({ where: { keyId: { not: key.keyId } }, select: { keyId: true }, distinct: ["keyId"] })).map((row) => row.keyId);
    if (otherKeys.length > 0) {
      console.warn(
        `[secrets] stored secrets were encrypted with key ${otherKeys.join(", ")}, but this ${processKind}'s key (from ${describeKeySource(key)}) is ${key.keyId}: ` +
          `tasks reading them fail here with SECRET_KEY_MISMATCH; set ${SECRETS_KEY_ENV} to the key that saved them`,
      );
    }
    if (provider === "postgresql" && key.source.kind === "file" && stored > 0) {
      console.warn(
        `[secrets] the secrets key (${key.keyId}) comes from ${key.source.path}: engine processes on other machines cannot read it; ` +
          `set ${SECRETS_KEY_ENV} to the same key on every process (e.g. the content of that file)`,
      );
    }
  } catch (error) {
    console.error(`[secrets] ${(error as Error).message}; secrets cannot be saved or read until it is fixed`);
  }
}
