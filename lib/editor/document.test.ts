import { describe, expect, it } from "vitest";
import {
  addTask,
  checkConnection,
  connect,
  emptyDraft,
  moveTasks,
  onlyLayoutDiffers,
  removeEdges,
  removeTasks,
  renameTask,
  setTaskField,
  toSubmission,
  uniqueKey,
  type DraftDefinition,
} from "@/lib/editor/document";
import { copyTasks, fragmentToText, parseFragment, pasteFragment } from "@/lib/editor/clipboard";
import { validateDefinition } from "@/lib/workflow";

//   a ─ b ─ c
const chain = (): DraftDefinition => ({
  name: "chain",
  tasks: [
    { key: "a", type: "transform", params: { output: 1 } },
    { key: "b", type: "transform", dependsOn: ["a"], params: { output: "{% $tasks.a.output %}" } },
    { key: "c", type: "transform", dependsOn: ["b"], params: { output: 1 } },
  ],
  layout: { a: { x: 0, y: 0 }, b: { x: 300, y: 0 }, c: { x: 600, y: 0 } },
});

//   route ─ big ─▶ heavy
//         └ default ▶ light
const withSwitch = (): DraftDefinition => ({
  name: "sw",
  tasks: [
    { key: "route", type: "switch", params: { cases: [{ name: "big", when: "{% true %}", next: ["heavy"] }], default: ["light"] } },
    { key: "heavy", type: "transform", dependsOn: ["route"], params: { output: 1 } },
    { key: "light", type: "transform", dependsOn: ["route"], params: { output: 1 } },
  ],
});

describe("document operations", () => {
  it("adds tasks with unique keys at rounded positions", () => {
    let draft = emptyDraft("x");
    const first = addTask(draft, "http", { x: 10.6, y: 20.2 });
    draft = first.draft;
    const second = addTask(draft, "http", { x: 0, y: 0 });
    expect([first.taskKey, second.taskKey]).toEqual(["http", "http_2"]);
    expect(second.draft.layout).toEqual({ http: { x: 11, y: 20 }, http_2: { x: 0, y: 0 } });
    expect(second.draft.tasks[0]).toEqual({ key: "http", type: "http", params: { url: "", method: "GET" } });
  });

  it("starts a map as a valid working example that shows $item and $index (issue 12, point 9)", () => {
    const { draft } = addTask(emptyDraft("mapped"), "map", { x: 0, y: 0 });
    expect(draft.tasks[0]!.params).toEqual({ items: "{% $input.items %}", task: { type: "transform", params: { output: '{% { "item": $item, "index": $index } %}' } } });
    const { layout: _layout, ...definition } = draft;
    expect(validateDefinition(definition)).toMatchObject({ ok: true });
  });

  it("makes keys unique and valid", () => {
    expect(uniqueKey("test_1", ["test_1"])).toBe("test_2");
    expect(uniqueKey("test_1", ["test_1", "test_2"])).toBe("test_3");
    expect(uniqueKey("9 lives", [])).toBe("_9_lives");
  });

  it("refuses a connection that closes a cycle and names it", () => {
    const check = checkConnection(chain(), "c", "a");
    expect(check).toEqual({
      ok: false,
      reason: "cycle",
      message: "that connection would make a cycle: a → b → c → a",
      cycle: ["a", "b", "c", "a"],
    });
    expect(checkConnection(chain(), "a", "a")).toMatchObject({ ok: false, reason: "self" });
    expect(checkConnection(chain(), "a", "b")).toMatchObject({ ok: false, reason: "duplicate" });
    expect(checkConnection(chain(), "a", "c")).toEqual({ ok: true });
  });

  it("connects, and a new edge out of a switch joins a branch", () => {
    expect(connect(chain(), "a", "c").draft.tasks[2]!.dependsOn).toEqual(["b", "a"]);
    let draft: DraftDefinition = { ...withSwitch(), tasks: [...withSwitch().tasks, { key: "extra", type: "transform", params: { output: 1 } }] };
    draft = connect(draft, "route", "extra").draft;
    expect(draft.tasks[0]!.params.default).toEqual(["light", "extra"]);
    expect(validateDefinition(draft).ok).toBe(true);
  });

  it("an edge drawn from a switch's branch handle joins exactly that branch, once (issue 12, point 6)", () => {
    const base: DraftDefinition = {
      name: "sw",
      tasks: [
        { key: "route", type: "switch", params: { cases: [{ name: "few", when: "{% true %}", next: ["a"] }, { name: "many", when: "{% false %}", next: [] }], default: ["b"] } },
        { key: "a", type: "transform", dependsOn: ["route"], params: { output: 1 } },
        { key: "b", type: "transform", dependsOn: ["route"], params: { output: 1 } },
        { key: "c", type: "transform", params: { output: 1 } },
        { key: "d", type: "transform", params: { output: 1 } },
      ],
    };
    const toMany = connect(base, "route", "c", "case-1").draft;
    expect(toMany.tasks[0]!.params).toEqual({ cases: [{ name: "few", when: "{% true %}", next: ["a"] }, { name: "many", when: "{% false %}", next: ["c"] }], default: ["b"] });
    const toDefault = connect(toMany, "route", "d", "default").draft;
    expect(toDefault.tasks[0]!.params.default).toEqual(["b", "d"]);
    expect((toDefault.tasks[0]!.params.cases as { next: string[] }[]).map((entry) => entry.next)).toEqual([["a"], ["c"]]);
    expect(validateDefinition(toDefault).ok).toBe(true);
    // A handle that names no branch of this switch (a stale id) joins the default.
    expect(connect(base, "route", "c", "case-9").draft.tasks[0]!.params.default).toEqual(["b", "c"]);
  });

  it("removes tasks with their edges, layout and switch branch entries", () => {
    const draft = removeTasks(chain(), ["b"]);
    expect(draft.tasks.map((t) => t.key)).toEqual(["a", "c"]);
    expect(draft.tasks[1]!.dependsOn).toBeUndefined();
    expect(Object.keys(draft.layout!)).toEqual(["a", "c"]);
    const sw = removeTasks(withSwitch(), ["heavy"]);
    expect(sw.tasks[0]!.params).toEqual({ cases: [{ name: "big", when: "{% true %}", next: [] }], default: ["light"] });
  });

  it("removes edges, switch branches included", () => {
    const draft = removeEdges(withSwitch(), [{ source: "route", target: "light" }]);
    expect(draft.tasks[2]!.dependsOn).toBeUndefined();
    expect(draft.tasks[0]!.params.default).toEqual([]);
  });

  it("moves tasks to integer positions and keeps the same snapshot for a no-op", () => {
    const draft = chain();
    expect(moveTasks(draft, { a: { x: 0.2, y: -0.3 } })).toBe(draft);
    expect(moveTasks(draft, { a: { x: 10.5, y: 3.49 } }).layout!.a).toEqual({ x: 11, y: 3 });
  });

  it("renames a task everywhere it is referenced", () => {
    const draft = renameTask({ ...chain(), output: { v: "{% $tasks.a.output %}" } }, "a", "start");
    expect(draft.tasks[0]!.key).toBe("start");
    expect(draft.tasks[1]!.dependsOn).toEqual(["start"]);
    expect(draft.tasks[1]!.params.output).toBe("{% $tasks.start.output %}");
    expect(draft.output).toEqual({ v: "{% $tasks.start.output %}" });
    expect(Object.keys(draft.layout!)).toEqual(["start", "b", "c"]);
    expect(renameTask(chain(), "a", "b")).toEqual(chain());
    const sw = renameTask(withSwitch(), "light", "lite");
    expect(sw.tasks[0]!.params.default).toEqual(["lite"]);
  });

  it("sets and clears task fields immutably", () => {
    const draft = chain();
    const set = setTaskField(draft, "a", ["retry", "maximumAttempts"], 3);
    expect(set.tasks[0]!.retry).toEqual({ maximumAttempts: 3 });
    const cleared = setTaskField(set, "a", ["retry", "maximumAttempts"], undefined);
    expect(cleared.tasks[0]!.retry).toBeUndefined();
    expect(draft.tasks[0]!.retry).toBeUndefined();
  });

  it("drops layout entries of deleted tasks from the submission", () => {
    const draft = { ...chain(), layout: { ...chain().layout, gone: { x: 1, y: 1 } }, version: 3 };
    const submission = toSubmission(draft);
    expect(Object.keys(submission.layout as object)).toEqual(["a", "b", "c"]);
    expect(submission.version).toBeUndefined();
  });
});

describe("clipboard", () => {
  it("copies the selection with its internal dependencies only", () => {
    const fragment = copyTasks(chain(), ["b", "c"]);
    expect(fragment.tasks.map((t) => [t.key, t.dependsOn])).toEqual([
      ["b", undefined],
      ["c", ["b"]],
    ]);
    expect(parseFragment(fragmentToText(fragment))).toEqual(fragment);
  });

  it("pastes with fresh keys, references rewritten, positions offset", () => {
    const draft = chain();
    const pasted = pasteFragment(draft, copyTasks(draft, ["a", "b"]), { offset: { x: 40, y: 40 } });
    expect(pasted.taskKeys).toEqual(["a_2", "b_2"]);
    const b2 = pasted.draft.tasks.find((t) => t.key === "b_2")!;
    expect(b2.dependsOn).toEqual(["a_2"]);
    expect(b2.params.output).toBe("{% $tasks.a_2.output %}");
    expect(pasted.draft.layout!.a_2).toEqual({ x: 40, y: 40 });
    expect(validateDefinition(pasted.draft).ok).toBe(true);
  });

  it("pastes into another workflow keeping keys that are free", () => {
    const pasted = pasteFragment(emptyDraft("other"), copyTasks(chain(), ["a", "b"]), { at: { x: 100, y: 100 } });
    expect(pasted.taskKeys).toEqual(["a", "b"]);
    expect(pasted.draft.layout).toEqual({ a: { x: 100, y: 100 }, b: { x: 400, y: 100 } });
  });

  it("reads a whole definition as a fragment and refuses other text", () => {
    expect(parseFragment(JSON.stringify(chain()))?.tasks).toHaveLength(3);
    expect(parseFragment("hello")).toBeUndefined();
    expect(parseFragment('{"tasks":[{"key":"a","type":"nope"}]}')).toBeUndefined();
  });
});

describe("onlyLayoutDiffers", () => {
  //   a ─ b
  const base = connect(addTask(addTask(emptyDraft(), "transform", { x: 0, y: 0 }).draft, "wait", { x: 300, y: 0 }).draft, "transform", "wait").draft;

  it("is true for a move (a drag) and its undo, false for an edit", () => {
    const moved = moveTasks(base, { wait: { x: 320, y: 40 } });
    expect(moved).not.toBe(base);
    expect(onlyLayoutDiffers(moved, base)).toBe(true);
    expect(onlyLayoutDiffers(base, moved)).toBe(true);
    expect(onlyLayoutDiffers(setTaskField(base, "wait", ["params", "durationMs"], 5), base)).toBe(false);
    expect(onlyLayoutDiffers(renameTask(base, "wait", "pause"), base)).toBe(false);
    expect(onlyLayoutDiffers({ ...base, description: "x" }, base)).toBe(false);
  });
});
