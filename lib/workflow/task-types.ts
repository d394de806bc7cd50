/**
 * What the designer shows about each task type (palette, node cards, inspector headers), and the
 * one-line summary of a task on its node card. Icons are lucide-react icon names, so that this
 * module stays free of React.
 */
import { expressionBody, isExpression } from "./expressions";
import { TASK_TYPES, type MapItemTask, type TaskDefinition, type TaskType } from "./schema";

export const TASK_GROUPS = ["Call", "Logic", "Flow", "Human", "Run"] as const;
export type TaskGroup = (typeof TASK_GROUPS)[number];

export interface TaskTypeInfo {
  type: TaskType;
  label: string;
  /** One line for the palette and tooltips. */
  description: string;
  group: TaskGroup;
  /** A lucide-react icon name. */
  icon: string;
}

export const TASK_TYPE_INFO: Record<TaskType, TaskTypeInfo> = {
  http: { type: "http", label: "HTTP request", description: "Call an HTTP API", group: "Call", icon: "Globe" },
  transform: {
    type: "transform",
    label: "Transform",
    description: "Compute an output with JSONata",
    group: "Logic",
    icon: "Braces",
  },
  worker: {
    type: "worker",
    label: "Worker task",
    description: "Hand the task to an external worker",
    group: "Run",
    icon: "Cpu",
  },
  wait: { type: "wait", label: "Wait", description: "Pause for a duration or until a time", group: "Flow", icon: "Timer" },
  approval: {
    type: "approval",
    label: "Approval",
    description: "Wait for a person to approve or reject",
    group: "Human",
    icon: "UserCheck",
  },
  switch: { type: "switch", label: "Switch", description: "Take one branch by condition", group: "Logic", icon: "GitBranch" },
  map: { type: "map", label: "Map", description: "Run a task or workflow for each item", group: "Flow", icon: "Repeat" },
  subworkflow: {
    type: "subworkflow",
    label: "Sub-workflow",
    description: "Run another workflow and wait for it",
    group: "Call",
    icon: "Workflow",
  },
  terminate: {
    type: "terminate",
    label: "Terminate",
    description: "End the execution with a status",
    group: "Flow",
    icon: "OctagonX",
  },
  shell: { type: "shell", label: "Shell command", description: "Run a command on a worker agent", group: "Run", icon: "Terminal" },
};

/** Task types by palette group, in palette order. */
export function taskTypesByGroup(): Array<{ group: TaskGroup; types: TaskTypeInfo[] }> {
  return TASK_GROUPS.map((group) => ({
    group,
    types: TASK_TYPES.map((type) => TASK_TYPE_INFO[type]).filter((info) => info.group === group),
  }));
}

/** "250ms", "5s", "1m 30s", "2h", "1d 4h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const units: Array<[string, number]> = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  if (rest > 0 && parts.length === 1 && parts[0]!.endsWith("s")) {
    return `${(ms / 1000).toFixed(1).replace(/\.0$/, "")}s`;
  }
  return parts.slice(0, 2).join(" ");
}

const MAX_SUMMARY = 80;

function clip(text: string, max = MAX_SUMMARY): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** An expression shown without its delimiters; other values as compact JSON. */
function show(value: unknown, max = 40): string {
  if (isExpression(value)) return clip(expressionBody(value) ?? value, max);
  if (typeof value === "string") return clip(value, max);
  return clip(JSON.stringify(value) ?? "", max);
}

function summarizeParams(type: string, params: Record<string, unknown>): string {
  switch (type) {
    case "http":
      return `${typeof params.method === "string" ? params.method : "GET"} ${show(params.url, 70)}`;
    case "transform": {
      const output = params.output;
      if (typeof output === "object" && output !== null && !Array.isArray(output)) {
        const keys = Object.keys(output);
        return keys.length === 0 ? "→ {}" : `→ { ${keys.join(", ")} }`;
      }
      return `→ ${show(output, 60)}`;
    }
    case "worker":
      return `worker: ${String(params.taskType)}${
        typeof params.concurrencyLimit === "number" ? ` (max ${params.concurrencyLimit})` : ""
      }`;
    case "wait":
      if (typeof params.durationMs === "number") return `wait ${formatDuration(params.durationMs)}`;
      return `until ${show(params.until, 60)}`;
    case "approval":
      if (typeof params.prompt === "string" && params.prompt !== "") return `approve: ${params.prompt}`;
      if (Array.isArray(params.approvers) && params.approvers.length > 0) {
        return `approval by ${params.approvers.join(", ")}`;
      }
      return "awaiting approval";
    case "switch": {
      const cases = Array.isArray(params.cases) ? params.cases : [];
      const names = cases.map((branch: unknown) =>
        typeof branch === "object" && branch !== null ? String((branch as Record<string, unknown>).name) : "?",
      );
      if (params.default !== undefined) names.push("default");
      return `switch: ${names.join(" | ")}`;
    }
    case "map": {
      const workflow = params.workflow as Record<string, unknown> | undefined;
      const task = params.task as MapItemTask | undefined;
      const target = workflow
        ? `${String(workflow.name)}${typeof workflow.version === "number" ? ` v${workflow.version}` : ""}`
        : task
          ? summarizeParams(task.type, task.params as Record<string, unknown>)
          : "?";
      return `for each in ${show(params.items, 30)} → ${target}`;
    }
    case "subworkflow":
      return `run ${String(params.workflow)}${typeof params.version === "number" ? ` v${params.version}` : ""}`;
    case "terminate":
      return `end ${String(params.status)}: ${show(params.reason, 50)}`;
    case "shell": {
      const args = Array.isArray(params.args) ? params.args.map((arg) => show(arg, 30)) : [];
      return `$ ${[String(params.command), ...args].join(" ")}`;
    }
    default:
      return type;
  }
}

/** The one-line summary on a task's node card, e.g. "POST https://…", "wait 5s". */
export function summarizeTask(task: TaskDefinition): string {
  const params = (typeof task.params === "object" && task.params !== null ? task.params : {}) as Record<string, unknown>;
  return clip(summarizeParams(task.type, params));
}
