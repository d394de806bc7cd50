// `npm run sdk:generate`: the worker SDK's wire types (packages/worker/src/protocol.generated.ts)
// from the server's zod schemas — the request bodies the worker routes parse with
// (lib/services/worker-schemas.ts) and the answers the OpenAPI document describes
// (lib/http/openapi/responses.ts). zod writes JSON Schema (z.toJSONSchema: requests as the routes
// accept them, io "input", so fields with a default are optional; answers as the server sends
// them, io "output"), json-schema-to-typescript turns that into interfaces, and the schemas'
// descriptions and defaults become their JSDoc.
//
// The file is not committed: `npm install` (postinstall), `npm run typecheck` and `npm run
// sdk:build` write it; tests/unit/worker-sdk-types.test.ts fails while it is not current.
// Deterministic: the same schemas give the same bytes (the file is only rewritten when they change).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { JSONSchema } from "json-schema-to-typescript";
import { z } from "zod";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const WORKER_PROTOCOL_FILE = join(root, "packages", "worker", "src", "protocol.generated.ts");

/**
 * The SDK's name of each type, in the file's order. A schema nested in another one and named here
 * becomes a reference to that type. Imported when generating only: WORKER_PROTOCOL_FILE alone
 * (tests/helpers/global-setup.ts) costs nothing.
 */
async function namedSchemas(): Promise<{ requests: Record<string, z.ZodType>; answers: Record<string, z.ZodType> }> {
  const w = await import("@/lib/services/worker-schemas");
  const r = await import("@/lib/http/openapi/responses");
  return {
    requests: {
      PollRequest: w.pollTasksSchema,
      HeartbeatRequest: w.heartbeatBodySchema,
      AppendLogsRequest: w.appendLogsBodySchema,
      CompleteTaskRequest: w.completeTaskBodySchema,
      FailTaskRequest: w.failTaskBodySchema,
      WorkerLogLine: w.workerLogLineSchema,
      WorkerTaskError: w.workerTaskErrorSchema,
    },
    answers: {
      WorkerTask: r.workerTaskSchema,
      PollResult: r.pollResultSchema,
      HeartbeatResult: r.heartbeatResultSchema,
      AppendLogsResult: r.appendLogsResultSchema,
      TaskResult: r.taskResultSchema,
      ApiErrorBody: r.apiErrorSchema,
      ApiErrorDetail: r.errorDetailSchema,
    },
  };
}

type Json = { [key: string]: unknown };

/** Keys that give a JSON Schema a TypeScript shape; a schema with none of them is any JSON value. */
const SHAPE_KEYS = ["type", "enum", "const", "anyOf", "oneOf", "allOf", "not", "$ref", "properties", "items", "additionalProperties", "tsType"];

/**
 * What json-schema-to-typescript is given: `default` also in the description (as `@default`, which
 * the library does not write itself), and `unknown` for a schema that is only a description (the
 * library would make it an object).
 */
function prepare(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prepare);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "$id") continue;
    // Values of these are names or data, not schemas.
    out[key] = key === "required" || key === "enum" || key === "const" || key === "default" || key === "examples" ? value : key === "properties" || key === "$defs" ? mapValues(value as Json, prepare) : prepare(value);
  }
  if ("default" in out) out.description = [out.description, `@default ${JSON.stringify(out.default)}`].filter(Boolean).join("\n\n");
  if (!SHAPE_KEYS.some((key) => key in out)) out.tsType = "unknown";
  return out;
}

const mapValues = (object: Json, f: (value: unknown) => unknown): Json => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, f(value)]));

/** Every named type's JSON Schema, as one set of `$defs` that reference each other. */
function definitions(types: Record<string, z.ZodType>, io: "input" | "output"): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(types)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { io, target: "draft-2020-12", unrepresentable: "throw", uri: (id) => `#/$defs/${id}` });
  const unnamed = Object.keys(schemas).filter((id) => !(id in types));
  // A schema with an id of the global registry (meta({ id })) inside one of ours would come out as a type of its own.
  if (unnamed.length > 0) throw new Error(`gen-worker-protocol: name ${unnamed.join(", ")} in namedSchemas()`);
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, { title: id, ...(prepare(schema) as Json) }]));
}

/** The generated file's text. */
export async function renderWorkerProtocol(): Promise<string> {
  const { compile } = await import("json-schema-to-typescript");
  const { requests, answers } = await namedSchemas();
  const parts: string[] = [];
  for (const [types, io] of [
    [requests, "input"],
    [answers, "output"],
  ] as const) {
    const $defs = definitions(types, io);
    for (const name of Object.keys(types)) {
      const schema = { ...$defs[name], $defs } as JSONSchema;
      // declareExternallyReferenced: false: a referenced type is declared once, under its own name.
      parts.push(await compile(schema, name, { bannerComment: "", additionalProperties: false, ignoreMinAndMaxItems: true, declareExternallyReferenced: false, strictIndexSignatures: true }));
    }
  }
  const banner = [
    "// GENERATED by scripts/gen-worker-protocol.ts (`npm run sdk:generate`): do not edit, not committed.",
    "// From the server's zod schemas: the request bodies of lib/services/worker-schemas.ts (what the routes",
    "// accept) and the answers of lib/http/openapi/responses.ts (what the server sends).",
    "",
  ].join("\n");
  return `${banner}\n${parts.map((part) => part.trim()).join("\n\n")}\n`;
}

/** Writes the file when it is missing or not current; true when it wrote. */
export async function writeWorkerProtocol(file = WORKER_PROTOCOL_FILE): Promise<boolean> {
  const text = await renderWorkerProtocol();
  if (existsSync(file) && readFileSync(file, "utf8") === text) return false;
  writeFileSync(file, text);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wrote = await writeWorkerProtocol();
  console.log(`worker SDK: ${relative(root, WORKER_PROTOCOL_FILE)} ${wrote ? "generated" : "is current"}`);
}
