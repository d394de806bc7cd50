// The OpenAPI document as tests use it: the routes of app/api found on the file system (the same
// walk as auth-routes.test.ts), and an ajv validator for "the answer of METHOD PATH with STATUS".
import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Every app/api route file as `/api/a/[b]` with the methods it exports. */
export async function apiRoutes(): Promise<{ path: string; method: string; handler: { access?: string } }[]> {
  const root = join(process.cwd(), "app", "api");
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : entry === "route.ts" ? [path] : [];
    });
  const out: { path: string; method: string; handler: { access?: string } }[] = [];
  for (const file of walk(root)) {
    const path = ("/api/" + relative(root, file).split(sep).slice(0, -1).join("/")).replace(/\/$/, "");
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) if (typeof mod[method] === "function") out.push({ path, method, handler: mod[method] as { access?: string } });
  }
  return out;
}

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

/**
 * Validates response bodies against the document's schema for a path template, method and status
 * (for a text/event-stream answer: one message's data).
 */
export function responseValidator(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, "openapi");
  return (template: string, method: string, status: number, body: unknown): string | null => {
    const operation = doc.paths[template]?.[method.toLowerCase()];
    if (!operation) return `${method} ${template} is not in the document`;
    const response = operation.responses[String(status)];
    if (!response) return `${method} ${template} does not document status ${status} (it documents ${Object.keys(operation.responses).join(", ")})`;
    if (!response.content) return body === null || body === undefined ? null : `${method} ${template} ${status} documents no body`;
    // JSON where the answer has it; otherwise its one content type (an SSE stream's message data, text).
    const contentType = response.content["application/json"] ? "application/json" : Object.keys(response.content)[0]!;
    const escape = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");
    const pointer = `openapi#/paths/${escape(template)}/${method.toLowerCase()}/responses/${status}/content/${escape(contentType)}/schema`;
    const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
    if (validate(body)) return null;
    return `${method} ${template} ${status}: ${ajv.errorsText(validate.errors, { dataVar: "body" })}`;
  };
}
