/**
 * The template gallery of "New workflow" (`/workflows/new`): common shapes, whose definitions are
 * the canonical files in `examples/templates/` (each with a `*.test.json` of cases that
 * `flowdeck test examples` runs on the real engine), and the seeded examples of `examples/`.
 * Picking one opens the designer with a copy of its definition as an unsaved draft, under a name
 * no stored workflow has (`uniqueWorkflowName`).
 *
 * To add a template: a canonical definition file in `examples/templates/` (plus its test file),
 * and an entry below. `templates.test.ts` validates every template as a save does.
 */
import approvalGate from "../../examples/templates/approval-gate.json";
import fanOutFanIn from "../../examples/templates/fan-out-fan-in.json";
import mapOverList from "../../examples/templates/map-over-list.json";
import retryWithBackoff from "../../examples/templates/retry-with-backoff.json";
import { exampleFiles } from "./examples";
import { WORKFLOW_NAME_MAX_LENGTH } from "./schema";

export type TemplateCategory = "pattern" | "example";

export type WorkflowTemplate = {
  /** The URL's `template` parameter (`/workflows/new?template=fan-out-fan-in`); also the draft's name. */
  id: string;
  title: string;
  /** One sentence for the gallery card (the definition's description says more). */
  summary: string;
  category: TemplateCategory;
  /** The definition as written in its file (validated by the test, and again by the save). */
  definition: unknown;
};

/** The id of the empty draft ("Blank workflow"). */
export const BLANK_TEMPLATE_ID = "blank";

const patterns: WorkflowTemplate[] = [
  {
    id: "fan-out-fan-in",
    title: "Fan-out / fan-in",
    summary: "Three branches run in parallel; a join waits for all of them and combines their results.",
    category: "pattern",
    definition: fanOutFanIn,
  },
  {
    id: "map-over-list",
    title: "Map over a list",
    summary: "One task per item of a list, four at a time, with every item's result collected by index.",
    category: "pattern",
    definition: mapOverList,
  },
  {
    id: "approval-gate",
    title: "Approval gate",
    summary: "Prepare a change, wait for a person to approve it, then apply it; a rejection stops it.",
    category: "pattern",
    definition: approvalGate,
  },
  {
    id: "retry-with-backoff",
    title: "Retry with backoff",
    summary: "An HTTP call retried up to 5 times with exponential backoff; 4xx answers fail at once.",
    category: "pattern",
    definition: retryWithBackoff,
  },
];

/** The seeded examples, in the order a newcomer would try them. */
const examples: Omit<WorkflowTemplate, "category" | "definition">[] = [
  { id: "build-test-deploy", title: "Build, test, deploy", summary: "A CI pipeline: build, four tests in parallel, deploy when all pass on main." },
  { id: "serial-chain", title: "Extract, transform, load", summary: "Three steps in a row, each reading the previous one's output." },
  { id: "parent-map-children", title: "Map over child workflows", summary: "A child workflow per item, collecting successes and failures." },
  { id: "user-email", title: "Worker tasks", summary: "Two tasks handed to external workers, one's output mapped into the next one's input." },
  { id: "nightly-report", title: "Scheduled report", summary: "Runs by itself every night on a cron schedule." },
  { id: "deploy-hook", title: "Webhook trigger", summary: "Started by a webhook; its body becomes the execution's input." },
];

export const workflowTemplates: readonly WorkflowTemplate[] = [
  ...patterns,
  ...examples.map((example) => ({ ...example, category: "example" as const, definition: exampleFiles[example.id] })),
];

export function findTemplate(templateId: string): WorkflowTemplate | undefined {
  return workflowTemplates.find((template) => template.id === templateId);
}

/**
 * `base`, or `base-2`, `base-3`, … — the first name not in `taken`, within the name length limit
 * (a template's draft must not collide with a stored workflow: saving it would be refused with 409).
 */
export function uniqueWorkflowName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  const stem = base.replace(/-[0-9]+$/, "");
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${stem.slice(0, WORKFLOW_NAME_MAX_LENGTH - suffix.length)}${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}
