import { describe, expect, it } from "vitest";
import { findTasks } from "@/lib/canvas/find-tasks";

const tasks = [
  { taskKey: "fetch_orders", label: "Fetch orders", taskType: "http" },
  { taskKey: "parse", label: "Parse the feed", taskType: "transform" },
  { taskKey: "orders_report", label: "Report", taskType: "transform" },
  { taskKey: "notify", label: "Tell ops about orders", taskType: "http" },
  { taskKey: "order", label: "One order", taskType: "shell" },
];

describe("findTasks", () => {
  it("lists every task in graph order for an empty query", () => {
    expect(findTasks(tasks, "  ").map((t) => t.taskKey)).toEqual(tasks.map((t) => t.taskKey));
  });

  it("ranks an exact key, then keys starting with the query, keys containing it, then names", () => {
    expect(findTasks(tasks, "order").map((t) => t.taskKey)).toEqual(["order", "orders_report", "fetch_orders", "notify"]);
  });

  it("matches the name and the type, case-insensitively", () => {
    expect(findTasks(tasks, "FEED").map((t) => t.taskKey)).toEqual(["parse"]);
    expect(findTasks(tasks, "shell").map((t) => t.taskKey)).toEqual(["order"]);
  });

  it("needs every word somewhere in key, name or type", () => {
    expect(findTasks(tasks, "http ops").map((t) => t.taskKey)).toEqual(["notify"]);
    expect(findTasks(tasks, "http nothing")).toEqual([]);
  });
});
