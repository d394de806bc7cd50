// The OpenAPI document (lib/http/openapi) covers every route of app/api, found on the file system
// like auth-routes.test.ts finds them: a new route that is not documented fails here, and so does a
// documented route that does not exist or whose access differs from its route() wrapper. Every
// component schema compiles, every $ref resolves, and GET /api/openapi.json serves it publicly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { callRoute, withTestAdminToken, type RouteFn } from "@/tests/helpers/api";
import { apiRoutes } from "@/tests/helpers/openapi";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-openapi-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";
withTestAdminToken();

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { "x-flowdeck-access": string; operationId: string; responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown> };
};

afterAll(async () => {
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

/** `/api/x/[id]` → `/api/x/{id}`; the operations route is documented per operation. */
async function documentedPathsOf(path: string): Promise<string[]> {
  const template = path.replace(/\[(\w+)\]/g, "{$1}");
  if (!template.includes("{operation}")) return [template];
  const { OPERATIONS } = await import("@/lib/services/operations");
  return OPERATIONS.map((op) => template.replace("{operation}", op));
}

describe("the OpenAPI document", () => {
  it("documents every route and method of app/api with the access its wrapper declares, and nothing else", async () => {
    const { openApiDocument } = await import("@/lib/http/openapi/document");
    const doc = openApiDocument() as Doc;
    expect(doc.openapi).toMatch(/^3\.1\./);
    const routes = await apiRoutes();
    expect(routes.length).toBeGreaterThan(20);
    const expected = new Set<string>();
    for (const route of routes) {
      for (const path of await documentedPathsOf(route.path)) {
        const key = `${route.method} ${path}`;
        expected.add(key);
        const operation = doc.paths[path]?.[route.method.toLowerCase()];
        expect(operation, `${key} (app${route.path}/route.ts) is not in the OpenAPI document: add it to OPERATION_SPECS in lib/http/openapi/document.ts`).toBeDefined();
        expect(operation!["x-flowdeck-access"], `${key}: documented access`).toBe(route.handler.access);
        expect(Object.keys(operation!.responses), key).toEqual(expect.arrayContaining(["500"]));
        if (route.handler.access !== "public") expect(Object.keys(operation!.responses), key).toEqual(expect.arrayContaining(["401", "403"]));
      }
    }
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.filter((key) => !expected.has(key)), "documented but no such route").toEqual([]);
  });

  it("has request bodies where routes read one, and every schema compiles with every $ref resolved", async () => {
    const { openApiDocument } = await import("@/lib/http/openapi/document");
    const doc = openApiDocument() as Doc;
    expect(doc.paths["/api/workflows"]!.post!.requestBody).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/WorkflowDefinition" } } } });
    expect(doc.paths["/api/executions/{executionId}/rerun"]!.post!.requestBody).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/RerunRequest" } } } });
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema(doc as object, "openapi");
    for (const id of Object.keys(doc.components.schemas)) {
      expect(() => ajv.compile({ $ref: `openapi#/components/schemas/${id}` }), id).not.toThrow();
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const target = ref.slice(8, -1);
      expect(target, ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[target.slice("#/components/schemas/".length)], `${ref} resolves`).toBeDefined();
    }
    // The request schemas are the routes' own: the document's start-execution body refuses what the route refuses.
    const validate = ajv.compile({ $ref: "openapi#/components/schemas/StartExecutionRequest" });
    expect(validate({ workflow: "x", waitSeconds: 5 })).toBe(true);
    expect(validate({ workflow: "x", extra: 1 })).toBe(false);
    expect(validate({ waitSeconds: 5 })).toBe(false);
  });

  it("is served at GET /api/openapi.json without credentials", async () => {
    const { GET } = await import("@/app/api/openapi.json/route");
    const response = await callRoute(GET as unknown as RouteFn, "GET", "/api/openapi.json", { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = (await response.json()) as Doc;
    expect(body.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(body.paths)).toContain("/api/executions/{executionId}/events");
  });
});
