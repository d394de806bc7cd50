// Shared helpers of the engine-task-types*.test.ts files: small workflows, a local HTTP server,
// and readers for tasks, attempts and events of an execution.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { Db } from "@/lib/db/client";
import { getExecution, listExecutionEvents, startExecution, type ExecutionEventView, type ExecutionView, type TaskView } from "@/lib/services/executions";
import type { EngineHarness } from "../helpers/engine";

let counter = 0;

/** A workflow name unique within the test file (each save creates a new workflow). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Saves a workflow under a fresh name and returns the name. */
export async function saveWorkflow(h: EngineHarness, prefix: string, definition: Record<string, unknown>): Promise<string> {
  const name = uniqueName(prefix);
  await h.save({ name, ...definition });
  return name;
}

/** Saves and runs a workflow, waiting up to `waitSeconds` for it to end. */
export async function run(h: EngineHarness, prefix: string, definition: Record<string, unknown>, input: unknown = {}, waitSeconds = 20): Promise<ExecutionView> {
  const workflow = await saveWorkflow(h, prefix, definition);
  return startExecution(h.db, { workflow, input: input as never, waitSeconds }, "test");
}

/** The task (not a map item) with this key; throws with the keys present when absent. */
export function taskOf(execution: ExecutionView, taskKey: string, mapIndex = -1): TaskView {
  const found = execution.tasks.find((t) => t.taskKey === taskKey && t.mapIndex === mapIndex);
  if (!found) throw new Error(`no task ${taskKey}#${mapIndex} in ${execution.tasks.map((t) => `${t.taskKey}#${t.mapIndex}`).join(", ")}`);
  return found;
}

/** Every item of a map task, by index. */
export function itemsOf(execution: ExecutionView, taskKey: string): TaskView[] {
  return execution.tasks.filter((t) => t.taskKey === taskKey && t.mapIndex >= 0).sort((a, b) => a.mapIndex - b.mapIndex);
}

export function ms(iso: string | null | undefined): number {
  if (!iso) throw new Error("expected a timestamp");
  return new Date(iso).getTime();
}

/** The event history, checked for strictly increasing ids. */
export async function eventsOf(db: Db, executionId: string): Promise<ExecutionEventView[]> {
  const events = await listExecutionEvents(db, executionId);
  const ids = events.map((event) => BigInt(event.id));
  for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `event ids increase: ${ids[i - 1]} then ${ids[i]}`).toBe(true);
  return events;
}

/** Event types of one task (or of the execution itself with taskKey null), in order. */
export function typesOf(events: ExecutionEventView[], taskKey: string | null, mapIndex: number | null = null): string[] {
  return events.filter((event) => event.taskKey === taskKey && event.mapIndex === mapIndex).map((event) => event.type);
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the execution has ended and returns it. */
export async function waitForEnd(db: Db, executionId: string, timeoutMs = 15_000): Promise<ExecutionView> {
  const terminal = ["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"];
  return waitFor(`execution ${executionId} to end`, async () => {
    const execution = await getExecution(db, executionId);
    return terminal.includes(execution.status) ? execution : undefined;
  }, timeoutMs);
}

export type RecordedRequest = { method: string; path: string; query: Record<string, string>; headers: IncomingMessage["headers"]; body: string; at: number };

export type TestServer = {
  url: string;
  requests: RecordedRequest[];
  /** Most requests in flight at once so far. */
  maxInFlight: () => number;
  close: () => Promise<void>;
};

/**
 * A local HTTP server on 127.0.0.1 (random port). `handler` answers each request; it may be async
 * (to delay the answer). Every request is recorded with its body.
 */
export async function startTestServer(
  handler: (request: RecordedRequest, response: ServerResponse, index: number) => void | Promise<void>,
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      inFlight -= 1;
    };
    res.on("close", done);
    res.on("finish", done);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams.entries()),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      const index = requests.push(recorded) - 1;
      Promise.resolve(handler(recorded, res, index)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(599);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
