// Masking: every secret value a task used is replaced by `[secret:NAME]` in everything stored of
// that attempt (output, error message and details, logs) before it is written — a server that
// echoes a header, a command that prints its env, an error that quotes the URL.
//
// Found: the value as written, and as it travels in a URL or a JSON text (percent-encoded by
// encodeURIComponent / encodeURI, form-encoded as URLSearchParams writes it, JSON-escaped), in
// strings, object keys and the digits of numbers. Not found: a value an expression transformed
// ($base64encode, $uppercase, a substring, a hash) — nothing can recognise those, so send secrets
// as they are and let the server's answer not repeat them.
import type { AttemptOutcome } from "@/lib/runtime/state";

export type SecretValues = Readonly<Record<string, string>>;

const MAX_DEPTH = 256;

/** The forms of each value to look for, longest first (a longer form is masked before its parts). */
function formsOf(secrets: SecretValues): Map<string, string> {
  const forms = new Map<string, string>();
  const entries = Object.entries(secrets).sort(([, a], [, b]) => b.length - a.length);
  for (const [name, value] of entries) {
    if (value === "") continue;
    const marker = `[secret:${name}]`;
    const encoded = [value, encodeURIComponent(value), safeEncodeUri(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)];
    for (const form of encoded) if (form && !forms.has(form)) forms.set(form, marker);
  }
  return forms;
}

function safeEncodeUri(value: string): string {
  try {
    return encodeURI(value);
  } catch {
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A masker for these values: one pass over each string (a marker is never masked again). */
export function secretMasker(secrets: SecretValues): <T>(value: T) => T {
  const forms = formsOf(secrets);
  if (forms.size === 0) return (value) => value;
  const ordered = [...forms.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(ordered.map(escapeRegExp).join("|"), "g");
  const maskText = (text: string) => (text.length === 0 ? text : text.replace(pattern, (found) => forms.get(found) ?? found));
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return maskText(value);
    if (typeof value === "number") {
      const text = String(value);
      const masked = maskText(text);
      return masked === text ? value : masked;
    }
    if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return value; // a Date (WAITING's until), not JSON data
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(copy, maskText(key), { value: walk((value as Record<string, unknown>)[key], depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  };
  return <T>(value: T) => walk(value, 0) as T;
}

/** An attempt's outcome and logs with every secret value masked. */
export function maskOutcome(outcome: AttemptOutcome, secrets: SecretValues | undefined): AttemptOutcome {
  if (!secrets || Object.keys(secrets).length === 0) return outcome;
  return secretMasker(secrets)(outcome);
}
