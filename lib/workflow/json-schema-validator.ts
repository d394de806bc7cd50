/**
 * JSON Schema validation (draft 2020-12) with Ajv: one home for checking a value against a schema,
 * used for execution inputs (lib/services/execution-input.ts, compiled once per workflow version)
 * and by the tests that check the examples against the generated workflow JSON Schema. Formats
 * (`email`, `date-time`, `uri`, …) come from ajv-formats.
 *
 * One Ajv instance compiles every schema; it keeps nothing of them afterwards (`addUsedSchema:
 * false`, and each schema is removed from Ajv's own cache once compiled), so the callers' bounded
 * caches are the only place compiled validators live. Unknown keywords are ignored, as the
 * specification says (`strict: false`: a workflow's schema may carry annotations of its own);
 * keyword values that are not valid JSON Schema (`minimum: "a"`) are refused when compiling.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

/** A value's problem: where (`input.names[1]`) and what ("must be string"). */
export type SchemaProblem = { path: string; message: string };

/** Most problems reported for one value (a huge wrong array must not make a huge answer). @default 50 */
export const MAX_SCHEMA_PROBLEMS = 50;

export type CompiledSchema = {
  /** The value's problems, [] when it conforms; paths start with `root`. */
  check(value: unknown, root?: string): SchemaProblem[];
};

let shared: Ajv2020 | undefined;

function ajv(): Ajv2020 {
  if (!shared) {
    shared = new Ajv2020({ allErrors: true, strict: false, addUsedSchema: false, messages: true });
    addFormats(shared);
  }
  return shared;
}

/**
 * Compiles `schema`; `{ ok: false, message }` when it is not a valid JSON Schema (the message
 * names the keyword's path in the schema, e.g. "schema is invalid: data/properties/n/minimum must
 * be number"). Compiling takes milliseconds: cache the result.
 */
export function compileJsonSchema(schema: object): { ok: true; schema: CompiledSchema } | { ok: false; message: string } {
  const instance = ajv();
  // Ajv keys its cache by the schema object: a private copy is compiled and then dropped from it.
  const copy = structuredClone(schema);
  let validate: ValidateFunction;
  try {
    validate = instance.compile(copy);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  } finally {
    instance.removeSchema(copy);
  }
  return {
    ok: true,
    schema: {
      check(value, root = "") {
        if (validate(value)) return [];
        return toProblems(validate.errors ?? [], root);
      },
    },
  };
}

/** `/names/1` under `input` → `input.names[1]` (the API's path format). */
export function pointerToPath(pointer: string, root = ""): string {
  let path = root;
  if (pointer === "") return path;
  for (const raw of pointer.slice(1).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^(0|[1-9][0-9]*)$/.test(part)) path += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) path += path === "" ? part : `.${part}`;
    else path += `[${JSON.stringify(part)}]`;
  }
  return path;
}

const join = (path: string, key: string) => pointerToPath(`/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, path);

/**
 * An Ajv error in the API's words; `path` is "" for the value at instancePath, or "\u0000key" for
 * one of its properties (a missing or a forbidden one). Null: not worth a line of its own.
 */
function describe(error: ErrorObject): { path: string; message: string } | null {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: `\u0000${String(params.missingProperty)}`, message: "is required" };
    case "additionalProperties":
      return { path: `\u0000${String(params.additionalProperty)}`, message: "is not allowed (the schema has additionalProperties: false)" };
    case "enum":
      return { path: "", message: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(", ")}` };
    case "const":
      return { path: "", message: `must be ${JSON.stringify(params.allowedValue)}` };
    // Says only "must match a schema in anyOf"; the branches' own errors say what.
    case "anyOf":
    case "if":
      return null;
    default:
      return { path: "", message: error.message ?? `fails ${error.keyword}` };
  }
}

function toProblems(errors: readonly ErrorObject[], root: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const described = describe(error);
    if (!described) continue;
    const base = pointerToPath(error.instancePath, root);
    const path = described.path.startsWith("\u0000") ? join(base, described.path.slice(1)) : base;
    const id = `${path}\u0000${described.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push({ path, message: described.message });
  }
  if (problems.length > MAX_SCHEMA_PROBLEMS) {
    const more = problems.length - MAX_SCHEMA_PROBLEMS;
    return [...problems.slice(0, MAX_SCHEMA_PROBLEMS), { path: root, message: `and ${more} more problem${more === 1 ? "" : "s"}` }];
  }
  return problems;
}
