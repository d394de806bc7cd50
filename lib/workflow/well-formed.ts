/**
 * Well-formed text: every string Flowdeck accepts (in a definition, an execution input, a worker's
 * result, an object key in any of them) is well-formed Unicode, and every request body is valid
 * UTF-8.
 *
 * Decision: such input is REFUSED (400 naming the path), never normalised. Replacing a lone
 * surrogate or an invalid byte with U+FFFD would silently change what the caller sent (a key, an
 * id, a checksum input), and a lone surrogate cannot be stored faithfully anyway: PostgreSQL's
 * UTF-8 text refuses it and JSON tools disagree on how to write it out. The caller is told where
 * the bad text is and can fix it.
 *
 * - A lone surrogate can only arrive through a JSON escape (`"\ud800"`); `findIllFormedText`
 *   finds the first string or key holding one, with its path (`tasks[0].name`, `input.note`).
 * - Bytes that are not UTF-8 are decoded by `decodeUtf8` with each bad byte turned into a lone
 *   surrogate U+DC80–U+DCFF (Python's "surrogateescape"), so the same search names the string the
 *   bytes sit in; bad bytes outside any string leave the JSON unparseable and are named by offset.
 */
import { joinPath } from "./paths";

/** In a `u` regular expression a surrogate class matches only surrogates that are not paired. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The first lone surrogate of a string: its index and its code as `\uXXXX`, or undefined. */
export function loneSurrogate(text: string): { index: number; code: string } | undefined {
  const match = LONE_SURROGATE.exec(text);
  if (!match) return undefined;
  return { index: match.index, code: `\\u${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` };
}

export interface IllFormedText {
  /** Path of the string, or of the key (`variables["\uD800"]`); "" for a top-level string. */
  path: string;
  /** Whether the key or the value is ill-formed. */
  in: "key" | "value";
  index: number;
  code: string;
}

/**
 * The first string or object key (in document order) of a JSON value that holds a lone surrogate.
 * Iterative, so any nesting JSON.parse produced is fine.
 */
export function findIllFormedText(value: unknown, basePath = ""): IllFormedText | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: basePath }];
  while (stack.length > 0) {
    const { value: at, path } = stack.pop()!;
    if (typeof at === "string") {
      const found = loneSurrogate(at);
      if (found) return { path, in: "value", ...found };
    } else if (Array.isArray(at)) {
      for (let index = at.length - 1; index >= 0; index -= 1) stack.push({ value: at[index], path: joinPath(path, index) });
    } else if (typeof at === "object" && at !== null) {
      const keys = Object.keys(at);
      for (const key of keys) {
        const found = loneSurrogate(key);
        if (found) return { path: joinPath(path, key), in: "key", ...found };
      }
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        const key = keys[index]!;
        stack.push({ value: (at as Record<string, unknown>)[key], path: joinPath(path, key) });
      }
    }
  }
  return undefined;
}

/** "has a lone surrogate \uD800 at character 3 …": the detail message of a finding. */
export function illFormedMessage(found: IllFormedText): string {
  const what = found.in === "key" ? "the key" : "the string";
  return `${what} has a lone surrogate ${found.code} at character ${found.index}; strings must be well-formed Unicode (a surrogate needs its pair)`;
}

/** Whether the JSON text may hold a surrogate escape at all (a cheap test before the walk). */
export function mayHoldSurrogateEscape(jsonText: string): boolean {
  return /\\u[dD][89a-fA-F]/.test(jsonText);
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes UTF-8 (a leading BOM dropped, as `Request.text()` does). Valid input gives
 * `firstInvalidByte: undefined`; otherwise every byte that is not part of a well-formed sequence
 * (Unicode's Table 3-7) becomes U+DC00 + byte (U+DC80–U+DCFF), and the offset of the first is returned.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string; firstInvalidByte: number | undefined } {
  try {
    return { text: strictDecoder.decode(bytes), firstInvalidByte: undefined };
  } catch {
    // Not UTF-8: the slow path below, taken only for refused bodies.
  }
  let text = "";
  let firstInvalidByte: number | undefined;
  let runStart = 0;
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  runStart = at;
  while (at < bytes.length) {
    const length = sequenceLength(bytes, at);
    if (length > 0) {
      at += length;
      continue;
    }
    text += strictDecoder.decode(bytes.subarray(runStart, at)) + String.fromCharCode(0xdc00 + bytes[at]!);
    firstInvalidByte ??= at;
    at += 1;
    runStart = at;
  }
  text += strictDecoder.decode(bytes.subarray(runStart));
  return { text, firstInvalidByte };
}

/** Length of the well-formed UTF-8 sequence starting at `at`, or 0 when there is none. */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const first = bytes[at]!;
  const inRange = (offset: number, low: number, high: number) => {
    const byte = bytes[at + offset];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (first <= 0x7f) return 1;
  if (first >= 0xc2 && first <= 0xdf) return inRange(1, 0x80, 0xbf) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const low = first === 0xe0 ? 0xa0 : 0x80;
    const high = first === 0xed ? 0x9f : 0xbf; // ED A0..BF would encode a surrogate
    return inRange(1, low, high) && inRange(2, 0x80, 0xbf) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const low = first === 0xf0 ? 0x90 : 0x80;
    const high = first === 0xf4 ? 0x8f : 0xbf;
    return inRange(1, low, high) && inRange(2, 0x80, 0xbf) && inRange(3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}
