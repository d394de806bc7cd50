// AES-256-GCM from node:crypto, used as its documentation says: a fresh random 96-bit IV for
// every value (never reused under a key), the 128-bit tag stored and checked on decryption, and
// the secret's name as additional authenticated data — a ciphertext copied onto another secret's
// row fails its tag instead of decrypting under the wrong name. No cryptography of our own.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { SecretsKey } from "@/lib/secrets/key";

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What is stored of a value (base64 text columns: the same bytes on SQLite and PostgreSQL). */
export type SealedValue = { ciphertext: string; iv: string; authTag: string; keyId: string };

function associatedData(name: string): Buffer {
  return Buffer.from(`flowdeck secret v1\0${name}`, "utf8");
}

export function sealValue(key: SecretsKey, name: string, value: string): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(name));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return { ciphertext: ciphertext.toString("base64"), iv: iv.toString("base64"), authTag: cipher.getAuthTag().toString("base64"), keyId: key.keyId };
}

/** Why a stored value could not be opened (the message never holds any part of the value). */
export type OpenFailure = { reason: "other-key"; keyId: string } | { reason: "tampered" };

/**
 * The value, or why it cannot be read: it was sealed under another key (its keyId differs from
 * this key's — not even tried), or its tag does not verify under this key and name.
 */
export function openValue(key: SecretsKey, name: string, sealed: SealedValue): { ok: true; value: string } | ({ ok: false } & OpenFailure) {
  if (sealed.keyId !== key.keyId) return { ok: false, reason: "other-key", keyId: sealed.keyId };
  try {
    const iv = Buffer.from(sealed.iv, "base64");
    const tag = Buffer.from(sealed.authTag, "base64");
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return { ok: false, reason: "tampered" };
    const decipher = createDecipheriv(ALGORITHM, key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(name));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "base64")), decipher.final()]);
    return { ok: true, value: plain.toString("utf8") };
  } catch {
    return { ok: false, reason: "tampered" };
  }
}
