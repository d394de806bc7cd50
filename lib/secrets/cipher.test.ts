import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openValue, sealValue } from "@/lib/secrets/cipher";
import { keyIdOf, type SecretsKey } from "@/lib/secrets/key";

const keyOf = (bytes = randomBytes(32)): SecretsKey => ({ key: bytes, keyId: keyIdOf(bytes), source: { kind: "env" } });

describe("sealValue / openValue (AES-256-GCM)", () => {
  const key = keyOf();

  it("round-trips a value, with a fresh 96-bit IV and a 128-bit tag each time", () => {
    const value = "ghp_ÄÖÜ-token with spaces and ✓";
    const first = sealValue(key, "GITHUB_TOKEN", value);
    const second = sealValue(key, "GITHUB_TOKEN", value);
    expect(Buffer.from(first.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(first.authTag, "base64")).toHaveLength(16);
    expect(first.keyId).toBe(key.keyId);
    expect(first.iv).not.toBe(second.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(JSON.stringify(first)).not.toContain("ghp_");
    expect(openValue(key, "GITHUB_TOKEN", first)).toEqual({ ok: true, value });
    expect(openValue(key, "GITHUB_TOKEN", second)).toEqual({ ok: true, value });
  });

  it("refuses a value sealed under another key without trying it", () => {
    const other = keyOf();
    const sealed = sealValue(other, "A", "value");
    expect(openValue(key, "A", sealed)).toEqual({ ok: false, reason: "other-key", keyId: other.keyId });
  });

  it("refuses a key that claims the right id but is another key, an altered ciphertext or tag, and a value moved to another name", () => {
    const sealed = sealValue(key, "A", "value");
    const impostor = { ...keyOf(), keyId: key.keyId };
    expect(openValue(impostor, "A", sealed)).toEqual({ ok: false, reason: "tampered" });
    const flipped = Buffer.from(sealed.ciphertext, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(openValue(key, "A", { ...sealed, ciphertext: flipped.toString("base64") })).toEqual({ ok: false, reason: "tampered" });
    expect(openValue(key, "A", { ...sealed, authTag: randomBytes(16).toString("base64") })).toEqual({ ok: false, reason: "tampered" });
    expect(openValue(key, "A", { ...sealed, authTag: randomBytes(4).toString("base64") })).toEqual({ ok: false, reason: "tampered" });
    expect(openValue(key, "B", sealed)).toEqual({ ok: false, reason: "tampered" });
  });
});
