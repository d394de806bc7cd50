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

  // Last: it ends this process's LISTEN/NOTIFY connections from the server's side.
  it("listens again after the server ended its connections, and wakes this process once back", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => void uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    let woken = 0;
    const onWake = () => woken++;
    engineBus.on("wake", onWake);
    const seen: string[] = [];
    const onChange = (id: string) => seen.push(id);
    engineBus.on("executionChanged", onChange);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      const ours = await other.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE '%flowdeck_changes%'`);
      expect(ours.rows.length).toBeGreaterThanOrEqual(1); // the listener's LISTEN (the sender's last query is pg_notify with the channel as a parameter)
      await other.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
      // Back: it woke this process (notifications of the gap are lost) ...
      await expect.poll(() => woken, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
      // ... hears NOTIFY again ...
      await expect
        .poll(async () => {
          await other.query("SELECT pg_notify('flowdeck_changes', 'exec-after-restart')");
          return seen.includes("exec-after-restart");
        }, { timeout: 15_000 })
        .toBe(true);
      // ... and sends again.
      const payloads: string[] = [];
      other.on("notification", (message) => payloads.push(message.payload ?? ""));
      await other.query("LISTEN flowdeck_changes");
      await expect
        .poll(() => {
          announceExecutionChanged("exec-sent-after-restart");
          return payloads.join(",").includes("exec-sent-after-restart");
        }, { timeout: 15_000 })
        .toBe(true);
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
      engineBus.off("wake", onWake);
      engineBus.off("executionChanged", onChange);
      await other.end();
    }
  });
});
