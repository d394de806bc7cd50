import { describe, expect, it } from "vitest";
import { routePattern, UNMATCHED_ROUTE } from "./route-pattern";

describe("routePattern", () => {
  it.each([
    ["/api/workflows", {}, "/api/workflows"],
    ["/api/executions/0b7c-1", { executionId: "0b7c-1" }, "/api/executions/[executionId]"],
    ["/api/executions/0b7c-1/events", { executionId: "0b7c-1" }, "/api/executions/[executionId]/events"],
    ["/api/executions/0b7c-1/pause", { executionId: "0b7c-1", operation: "pause" }, "/api/executions/[executionId]/[operation]"],
    ["/api/workflows/my%20flow/versions/3/restore", { name: "my flow", version: "3" }, "/api/workflows/[name]/versions/[version]/restore"],
    // a value equal to a later static segment: the param's own segment comes first
    ["/api/workflows/versions/versions/2/restore", { name: "versions", version: "2" }, "/api/workflows/[name]/versions/[version]/restore"],
    ["/api/workers/tasks/t1/complete", { taskId: "t1" }, "/api/workers/tasks/[taskId]/complete"],
  ])("%s → its pattern", (path, params, pattern) => {
    expect(routePattern(path, params)).toBe(pattern);
  });

  it("never returns a concrete value it could not place", () => {
    expect(routePattern("/api/executions/abc", { executionId: "xyz" })).toBe(UNMATCHED_ROUTE);
    expect(routePattern("/api/files/a/b", { path: ["a", "b"] })).toBe(UNMATCHED_ROUTE);
  });

  it("a value equal to an earlier static segment still gives only the route's own segments", () => {
    const label = routePattern("/api/workflows/workflows", { name: "workflows" });
    expect(label.split("/").every((segment) => ["", "api", "workflows", "[name]"].includes(segment))).toBe(true);
  });
});
