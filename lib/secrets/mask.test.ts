import { describe, expect, it } from "vitest";
import { maskOutcome, secretMasker } from "@/lib/secrets/mask";

describe("secretMasker", () => {
  const secrets = { TOKEN: "s3cr3t/+ &x", PIN: "4711", LONG: "s3cr3t/+ &x-and-more" };
  const mask = secretMasker(secrets);

  it("masks each value as written, percent-encoded, form-encoded and JSON-escaped, in strings, keys and numbers", () => {
    const value = {
      header: "Bearer s3cr3t/+ &x",
      url: `https://api.example/?t=${encodeURIComponent("s3cr3t/+ &x")}`,
      form: new URLSearchParams({ t: "s3cr3t/+ &x" }).toString(),
      encoded: encodeURI("https://h/s3cr3t/+ &x"),
      [`key-s3cr3t/+ &x`]: true,
      pin: 4711,
      biggerPin: 94711,
      nested: [{ text: "pin 4711 and long s3cr3t/+ &x-and-more" }],
      text: JSON.stringify({ t: 'a"s3cr3t/+ &x' }),
      untouched: 12,
    };
    expect(mask(value)).toEqual({
      header: "Bearer [secret:TOKEN]",
      url: "https://api.example/?t=[secret:TOKEN]",
      form: "t=[secret:TOKEN]",
      encoded: "https://h/[secret:TOKEN]",
      "key-[secret:TOKEN]": true,
      pin: "[secret:PIN]",
      biggerPin: "9[secret:PIN]",
      nested: [{ text: "pin [secret:PIN] and long [secret:LONG]" }],
      text: '{"t":"a\\"[secret:TOKEN]"}',
      untouched: 12,
    });
  });

  it("never masks inside a marker it wrote (a value that is part of a marker)", () => {
    expect(secretMasker({ S: "secret" })("my secret")).toBe("my [secret:S]");
    expect(secretMasker({ S: "secret", T: "S]" })("secret S]")).toBe("[secret:S] [secret:T]");
  });

  it("leaves values alone without secrets, keeps Dates, and leaves the input unchanged", () => {
    const until = new Date("2030-01-01T00:00:00Z");
    const outcome = { status: "WAITING" as const, until, output: { a: "4711" } };
    expect(maskOutcome(outcome, undefined)).toBe(outcome);
    const masked = maskOutcome(outcome, { PIN: "4711" });
    expect(masked).toEqual({ status: "WAITING", until, output: { a: "[secret:PIN]" } });
    expect((masked as typeof outcome).until).toBe(until);
    expect(outcome.output.a).toBe("4711");
  });

  it("masks an error's message and details", () => {
    const outcome = { status: "FAILED" as const, error: { code: "HTTP_401", message: "GET answered 401: bad token s3cr3t/+ &x", details: { body: "s3cr3t/+ &x" } } };
    expect(maskOutcome(outcome, secrets)).toEqual({ status: "FAILED", error: { code: "HTTP_401", message: "GET answered 401: bad token [secret:TOKEN]", details: { body: "[secret:TOKEN]" } } });
  });
});
