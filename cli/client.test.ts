// The CLI's HTTP client and input parsing: how each kind of failure becomes an exit code, against
// a real HTTP server on a free port answering as Flowdeck does (status + `{ error }` body), and
// an unreachable port.
import { createServer, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "./client";
import { CliError, EXIT } from "./exit-codes";
import { parseInputOption, readJsonFile } from "./input";

let server: Server;
let url = "";

beforeAll(async () => {
  server = createServer((request, response) => {
    const reply = (status: number, body: unknown, type = "application/json") => {
      response.writeHead(status, { "content-type": type });
      response.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string, details: unknown[] = []) => reply(status, { error: { code, message, details } });
    if (request.headers.authorization !== "Bearer good") return error(401, "UNAUTHORIZED", "the API token is not valid (unknown token)");
    switch (request.url) {
      case "/api/ok":
        return reply(200, { fine: true });
      case "/api/missing":
        return error(404, "NOT_FOUND", "workflow 'x' not found");
      case "/api/invalid":
        return error(400, "VALIDATION_FAILED", "the request is invalid", [{ path: "fromTaskKey", message: "no task 'nope'" }]);
      case "/api/conflict":
        return error(409, "CONFLICT", "the execution is running");
      case "/api/forbidden":
        return error(403, "FORBIDDEN", "needs the operator role");
      case "/api/html":
        return reply(500, "<html>proxy error</html>", "text/html");
      default:
        return reply(200, "<html>not flowdeck</html>", "text/html");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe("Client", () => {
  it("answers JSON with a good token", async () => {
    expect(await new Client({ url, token: "good" }).get("/api/ok")).toEqual({ fine: true });
  });

  it("maps refusals to exit codes with the server's message", async () => {
    const client = new Client({ url, token: "good" });
    expect(await failure(client.get("/api/missing"))).toMatchObject({ code: EXIT.usage, message: "GET /api/missing: workflow 'x' not found" });
    const invalid = await failure(client.post("/api/invalid", {}));
    expect(invalid).toMatchObject({ code: EXIT.usage, details: [{ path: "fromTaskKey", message: "no task 'nope'" }] });
    expect((await failure(client.post("/api/conflict", {}))).code).toBe(EXIT.failed);
    expect(await failure(client.get("/api/forbidden"))).toMatchObject({ code: EXIT.unreachable, message: `${url} refused GET /api/forbidden: needs the operator role` });
    expect((await failure(client.get("/api/html"))).message).toContain("is FLOWDECK_URL the Flowdeck server?");
    expect((await failure(client.get("/api/other"))).message).toContain("not JSON: is FLOWDECK_URL the Flowdeck server?");
  });

  it("a wrong or missing token and an unreachable server exit 4 naming the URL", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await failure(new Client({ url, token: "bad" }).get("/api/ok"))).toMatchObject({ code: EXIT.unreachable, message: `${url} refused the credentials (the token is not accepted): the API token is not valid (unknown token)` });
    expect((await failure(new Client({ url }).get("/api/ok"))).message).toContain("no token given: set FLOWDECK_TOKEN or --token");
    const unreachable = await failure(new Client({ url: closedUrl, token: "good" }).get("/api/ok"));
    expect(unreachable.code).toBe(EXIT.unreachable);
    expect(unreachable.message).toBe(`cannot reach the Flowdeck server at ${closedUrl} (ECONNREFUSED); is it running? Set FLOWDECK_URL or --url`);
    expect(() => new Client({ url: "localhost:3000" })).toThrow(/must start with http:\/\/ or https:\/\//);
    expect(() => new Client({ url: "not a url" })).toThrow(/is not a URL/);
  });
});

describe("input", () => {
  const dir = mkdtempSync(join(tmpdir(), "flowdeck-cli-input-"));

  it("reads --input JSON and @file, and names the file, line and column of bad JSON", () => {
    expect(parseInputOption('{"a": [1, 2]}')).toEqual({ a: [1, 2] });
    const good = join(dir, "good.json");
    writeFileSync(good, '{ "n": 1 }');
    expect(parseInputOption(`@${good}`)).toEqual({ n: 1 });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{\n  "n": 1,\n  "m": tru\n}\n');
    expect(() => parseInputOption(`@${bad}`)).toThrow(`${bad}:3:11: not valid JSON`);
    expect(() => parseInputOption("{n: 1}")).toThrow(/^--input:1:2: not valid JSON/);
    expect(() => parseInputOption(`@${join(dir, "missing.json")}`)).toThrow(/cannot read .*missing\.json: ENOENT/);
    const empty = join(dir, "empty.json");
    writeFileSync(empty, "  \n");
    expect(() => readJsonFile(empty)).toThrow(`${empty}: the file is empty; expected JSON`);
    expect(() => parseInputOption("@")).toThrow("--input @ needs a file name");
  });
});
