import { describe, expect, it } from "vitest";
import { decodeUtf8, findIllFormedText, loneSurrogate, mayHoldSurrogateEscape } from "./well-formed";

describe("loneSurrogate", () => {
  it("finds unpaired surrogates only", () => {
    expect(loneSurrogate("plain")).toBeUndefined();
    expect(loneSurrogate("😀 ok")).toBeUndefined();
    expect(loneSurrogate("a\ud800")).toEqual({ index: 1, code: "\\uD800" });
    expect(loneSurrogate("\udfffb")).toEqual({ index: 0, code: "\\uDFFF" });
    expect(loneSurrogate("😀\ude00")).toEqual({ index: 2, code: "\\uDE00" });
    expect(loneSurrogate("\ud83d\ud83d\ude00")).toEqual({ index: 0, code: "\\uD83D" });
  });
});

describe("findIllFormedText", () => {
  it("names the first ill-formed string or key in document order", () => {
    expect(findIllFormedText({ a: ["x", { b: "ok" }], c: 1 })).toBeUndefined();
    expect(findIllFormedText({ a: ["x", { b: "\ud800" }], c: "\udc00" })).toEqual({ path: "a[1].b", in: "value", index: 0, code: "\\uD800" });
    expect(findIllFormedText({ "we ird\ud800": 1 }, "input")).toEqual({ path: 'input["we ird\\ud800"]', in: "key", index: 6, code: "\\uD800" });
    expect(findIllFormedText("\ud800")).toEqual({ path: "", in: "value", index: 0, code: "\\uD800" });
  });

  it("walks deep nesting without recursion", () => {
    let deep: unknown = "\ud800";
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    expect(findIllFormedText(deep)?.path.length).toBe(100_000 * 3);
  });

  it("has a cheap pre-test that never misses an escape", () => {
    expect(mayHoldSurrogateEscape('{"a":"\\ud800"}')).toBe(true);
    expect(mayHoldSurrogateEscape('{"a":"\\uDFFF"}')).toBe(true);
    expect(mayHoldSurrogateEscape('{"a":"\\u00e9 😀"}')).toBe(false);
  });
});

describe("decodeUtf8", () => {
  const decode = (...bytes: number[]) => decodeUtf8(Uint8Array.from(bytes));

  it("decodes UTF-8 and drops a leading byte-order mark", () => {
    expect(decodeUtf8(new TextEncoder().encode("café ✓ 😀"))).toEqual({ text: "café ✓ 😀", firstInvalidByte: undefined });
    expect(decode(0xef, 0xbb, 0xbf, 0x61)).toEqual({ text: "a", firstInvalidByte: undefined });
  });

  it.each([
    ["a stray continuation byte", [0x61, 0x80, 0x62], 1],
    ["a truncated sequence", [0x61, 0xe2, 0x82], 1],
    ["an overlong encoding", [0xc0, 0xaf], 0],
    ["an encoded surrogate", [0x61, 0xed, 0xa0, 0x80], 1],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
    ["0xFF", [0x61, 0x62, 0xff], 2],
  ])("marks %s with lone surrogates and reports the first bad byte", (_, bytes, first) => {
    const { text, firstInvalidByte } = decode(...bytes);
    expect(firstInvalidByte).toBe(first);
    expect(loneSurrogate(text)).toBeDefined();
    expect(loneSurrogate(text)!.code).toBe(`\\u${(0xdc00 + bytes[first]!).toString(16).toUpperCase()}`);
  });

  it("keeps the valid text around bad bytes", () => {
    expect(decode(0x61, 0xff, 0xc3, 0xa9, 0xfe)).toEqual({ text: "a\udcffé\udcfe", firstInvalidByte: 1 });
  });
});
