import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take longest (tens of seconds, mostly waiting on child processes and timers;
 * measured 2026-12-08), started first: on a clean checkout vitest has no timings and orders files by
 * size, so these began last and the whole run waited on them with the other workers idle. The rest
 * keep vitest's own order. A file missing here only runs later; a name here that no longer exists
 * changes nothing.
 */
const SLOW_FIRST = [
  "tests/integration/graceful-shutdown.test.ts",
  "tests/integration/engine-scale.test.ts",
  "tests/integration/engine-crash.test.ts",
  "tests/integration/triggers-webhook.test.ts",
  "tests/integration/lock-order.test.ts",
  "tests/integration/engine-task-types-shell.test.ts",
  "tests/integration/runtime-reference.property.test.ts",
  "tests/integration/two-engines.test.ts",
  "tests/integration/tree-limits.test.ts",
  "tests/integration/runaway-expressions.test.ts",
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const at = SLOW_FIRST.findIndex((name) => file.moduleId.endsWith(name));
      return at < 0 ? SLOW_FIRST.length : at;
    };
    return sorted.map((file, index) => ({ file, index })).sort((a, b) => rank(a.file) - rank(b.file) || a.index - b.index).map(({ file }) => file);
  }
}
