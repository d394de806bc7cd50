// Secret names: what a definition writes after `$secrets.` and what /api/secrets/{name} takes.
// Upper-case letters, digits and `_`, starting with a letter or `_`, at most 64 characters — the
// shape of an environment variable, so a name reads the same in a header, a shell env and a URL.
import { validationFailed } from "@/lib/services/errors";

export const SECRET_NAME_PATTERN = /^[A-Z_][A-Z0-9_]{0,63}$/;

export const SECRET_NAME_RULE = "secret names use A–Z, 0–9 and _, start with a letter or _, and have at most 64 characters (e.g. GITHUB_TOKEN)";

export function isSecretName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name);
}

/** A name for the messages: quoted, control characters escaped, cut to 80 characters. */
export function quoteName(name: string): string {
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
  return `'${shown.slice(1, -1)}'`;
}

/** Refuses a bad name with a 400 whose detail names `path` (the route's path parameter). */
export function assertSecretName(name: string, path = "name"): string {
  if (isSecretName(name)) return name;
  const message = `${quoteName(name)} is not a valid secret name: ${SECRET_NAME_RULE}`;
  throw validationFailed(message, [{ path, message }]);
}
