import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// lib/workflow runs in the browser too (the designer validates as you type), so its modules may
// import only each other, zod, jsonata, croner (schedules), the JSON Schema validator (ajv, ajv-formats: plain
// JavaScript that runs in browsers too) and the example and template JSON files.
const directory = fileURLToPath(new URL(".", import.meta.url));
const modules = readdirSync(directory).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));

describe("lib/workflow stays pure", () => {
  it.each(modules)("%s imports nothing from node, next, react or prisma", (file) => {
    const source = readFileSync(`${directory}/${file}`, "utf8");
    const imports = [...source.matchAll(/^import[^;]*?from\s+"([^"]+)"/gms)].map((match) => match[1]!);
    for (const specifier of imports) {
      expect(specifier).toMatch(/^(\.\/[a-z-]+|\.\.\/\.\.\/examples\/(templates\/)?[a-z-]+\.json|zod|jsonata|ajv\/dist\/2020|ajv-formats|croner)$/);
    }
  });
});
