import { describe, expect, it } from "vitest";
import { checkSettings } from "@/lib/server/settings-check";
import { isSettingError } from "@/lib/workflow/setting-error";

describe("checkSettings", () => {
  it("accepts the defaults and good values", () => {
    expect(() => checkSettings({})).not.toThrow();
    expect(() => checkSettings({ FLOWDECK_SQLITE_SYNCHRONOUS: "full", FLOWDECK_TASK_LOG_MAX_BYTES: "65536", FLOWDECK_ENGINE_THREAD: "off", FLOWDECK_SHUTDOWN_GRACE_MS: "0", FLOWDECK_ENGINE_CONCURRENCY: "8" })).not.toThrow();
  });

  it("names every wrong value at once, as a SettingError", () => {
    const error = (() => {
      try {
        checkSettings({ FLOWDECK_SQLITE_SYNCHRONOUS: "bogus", FLOWDECK_TASK_LOG_MAX_BYTES: "1k", FLOWDECK_ENGINE_CONCURRENCY: "many", FLOWDECK_ENGINE_POLL_MS: "0" });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(isSettingError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("FLOWDECK_SQLITE_SYNCHRONOUS must be 'normal' or 'full', not 'bogus'");
    expect(message).toContain("FLOWDECK_TASK_LOG_MAX_BYTES must be a whole number of bytes ≥ 1024, not '1k'");
    expect(message).toContain("FLOWDECK_ENGINE_CONCURRENCY must be a whole number ≥ 1, not 'many'");
  });
});
