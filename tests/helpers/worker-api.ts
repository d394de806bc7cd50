// The HTTP API of the worker routes over a test database, for the worker SDK's tests: the Next
// routes bind to getDb(), so this small server calls the same services on the harness's database.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ZodError } from "zod";
import { ServiceError } from "@/lib/services/errors";
import { appendTaskLogs, completeTask, failTask, heartbeat, pollTasks } from "@/lib/services/workers";
import type { EngineHarness } from "./engine";

/** The HTTP API of the worker routes, over the test database (the Next routes bind to getDb()). */
export async function startWorkerApiServer(h: EngineHarness): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    try {
      const match = /^\/api\/workers\/tasks\/([^/]+)\/(heartbeat|complete|fail|logs)$/.exec(req.url ?? "");
      if (req.url === "/api/workers/poll") return send(200, { tasks: await pollTasks(h.db, h.provider, body, { signal: abort.signal }) });
      if (!match) return send(404, { error: { code: "NOT_FOUND", message: "no route", details: [] } });
      const taskId = decodeURIComponent(match[1]!);
      const action = { heartbeat, complete: completeTask, fail: failTask, logs: appendTaskLogs }[match[2] as "heartbeat" | "complete" | "fail" | "logs"];
      return send(200, await action(h.db, { taskId, ...body }));
    } catch (error) {
      if (error instanceof ServiceError) return send(error.httpStatus, { error: { code: error.code, message: error.message, details: error.details } });
      if (error instanceof ZodError) return send(400, { error: { code: "VALIDATION_FAILED", message: "the request is invalid", details: [] } });
      return send(500, { error: { code: "INTERNAL", message: String(error), details: [] } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

