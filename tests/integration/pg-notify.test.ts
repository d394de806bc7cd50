import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { announceExecutionChanged, engineBus } from "@/lib/runtime/bus";
import { startPgNotify } from "@/lib/runtime/pg-notify";

describe("LISTEN/NOTIFY wake-ups on PostgreSQL", () => {
  let database: TestDatabase;
  let stop: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
    url = (database.config as { url: string }).url;
    stop = await startPgNotify(url);
  });
  afterAll(async () => {
    await stop?.();
    await database?.cleanup();
  });

  it("turns another process's NOTIFY into in-process signals", async () => {
    const seen: string[] = [];
    let woken = 0;
    const onChange = (id: string) => seen.push(id);
    const onWake = () => woken++;
    engineBus.on("executionChanged", onChange);
    engineBus.on("wake", onWake);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query("SELECT pg_notify('flowdeck_changes', 'exec-a,*,exec-b')");
    await other.end();
    await expect.poll(() => seen).toEqual(["exec-a", "exec-b"]);
    expect(woken).toBeGreaterThanOrEqual(1);
    engineBus.off("executionChanged", onChange);
    engineBus.off("wake", onWake);
  });

  it("sends in-process changes to other listeners, coalesced", async () => {
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    const payloads: string[] = [];
    other.on("notification", (message) => payloads.push(message.payload ?? ""));
    await other.query("LISTEN flowdeck_changes");
    announceExecutionChanged("exec-1");
    announceExecutionChanged("exec-2");
    announceExecutionChanged("exec-1");
    await expect.poll(() => payloads.join(",")).toContain("exec-2");
    expect(payloads.join(",").split(",").sort()).toEqual(["exec-1", "exec-2"]);
    await other.end();
  });
});
