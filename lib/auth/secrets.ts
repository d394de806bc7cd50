// Random secrets and their stored form. Session cookies and API tokens are 256-bit random values;
// the database keeps only their sha256 (a fast hash is right for high-entropy secrets — a stolen
// database gives no usable token), compared by lookup of the hash.
import { createHash, randomBytes } from "node:crypto";

/** `fdk_` + 43 base64url characters (32 random bytes). */
export function newApiTokenSecret(): string {
  return `fdk_${randomBytes(32).toString("base64url")}`;
}

export function newSessionSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** An id for a row: random, URL-safe, not guessable. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url")}`;
}
