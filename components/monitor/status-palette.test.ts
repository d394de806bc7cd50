import { describe, expect, it } from "vitest";
import * as lucide from "lucide-react";
import { ALL_STATUSES } from "@/lib/engine/statuses";
import { STATUS_PALETTE, statusLook } from "./status-palette";

// status → [animated, dashed, lucide icon name, palette color] (the engine's flags: lib/engine/statuses.test.ts)
const EXPECTED: Record<(typeof ALL_STATUSES)[number], [boolean, boolean, keyof typeof lucide, string]> = {
  PENDING: [false, true, "Circle", "slate-300"],
  QUEUED: [false, false, "Clock", "sky-400"],
  SCHEDULED: [false, false, "Clock", "sky-400"],
  RUNNING: [true, false, "LoaderCircle", "blue-500"],
  WAITING: [false, false, "Hourglass", "violet-500"],
  RETRYING: [false, false, "RotateCw", "amber-500"],
  PAUSED: [false, false, "Pause", "yellow-500"],
  COMPLETED: [false, false, "CircleCheck", "emerald-500"],
  FAILED: [false, false, "CircleX", "red-600"],
  TIMED_OUT: [false, false, "TimerOff", "orange-500"],
  UPSTREAM_FAILED: [false, false, "TriangleExclamationPoint", "orange-300"],
  CANCELLED: [false, false, "Ban", "zinc-500"],
  TERMINATED: [false, false, "Ban", "zinc-500"],
  SKIPPED: [false, true, "SkipForward", "slate-400"],
};

describe("status palette", () => {
  it("has one row per status of the engine's table, and no other", () => {
    expect(Object.keys(STATUS_PALETTE).sort()).toEqual([...ALL_STATUSES].sort());
  });

  it.each(ALL_STATUSES)("%s has the expected motion, outline, lucide icon (canonical name) and palette color", (status) => {
    const look = STATUS_PALETTE[status];
    const [animated, dashed, icon, color] = EXPECTED[status];
    expect({ animated: look.animated, dashed: look.dashed }).toEqual({ animated, dashed });
    expect(look.icon).toBeDefined();
    expect(look.icon).toBe(lucide[icon]);
    expect(look.colors.ring).toBe(`ring-${color}`);
    expect(look.colors.bg).toBe(`bg-${color}`);
    expect(look.colors.border).toBe(`border-${color}`);
  });

  it.each(ALL_STATUSES)("%s has literal Tailwind classes of one color family, a label and a description", (status) => {
    const { colors, label, description } = STATUS_PALETTE[status];
    const family = colors.ring.split("-")[1];
    expect(colors.text).toMatch(new RegExp(`^text-${family}-\\d{3}$`));
    expect(colors.soft).toMatch(new RegExp(`^bg-${family}-(50|100)$`));
    expect(label.length).toBeGreaterThan(0);
    expect(description.length).toBeGreaterThan(0);
  });

  it("draws motion only for RUNNING", () => {
    for (const status of ALL_STATUSES) expect(STATUS_PALETTE[status].animated).toBe(status === "RUNNING");
  });

  it("looks a status string up, and shows an unknown one as PENDING", () => {
    expect(statusLook("FAILED")).toBe(STATUS_PALETTE.FAILED);
    expect(statusLook("failed")).toBe(STATUS_PALETTE.PENDING);
    expect(statusLook("toString")).toBe(STATUS_PALETTE.PENDING);
    expect(statusLook("")).toBe(STATUS_PALETTE.PENDING);
  });
});
