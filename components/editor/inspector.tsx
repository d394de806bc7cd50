"use client";

import { Link2, Settings2 } from "lucide-react";
import { useEffect, useRef, type RefObject } from "react";
import {
  DEFAULT_TRIGGER_RULE,
  paramsSchemas,
  retryPolicySchema,
  TASK_TYPE_INFO,
  timeoutsSchema,
  TRIGGER_RULES,
  type TaskType,
} from "@/lib/workflow";
import { fieldsForSchema, type FieldSpec } from "@/lib/editor/form-fields";
import { getIn, type DraftDefinition, type DraftTask } from "@/lib/editor/document";
import { issuesAt, type PlacedIssue } from "@/lib/editor/issues";
import { TASK_TYPE_VISUAL } from "@/components/graph/task-type-visual";
import { SchemaField, Section } from "@/components/editor/fields";
import { KeyField } from "@/components/editor/key-field";
import { SwitchCasesField } from "@/components/editor/switch-cases-field";
import { TriggersField } from "@/components/editor/triggers-field";
import { ExpressionCompletionContext } from "@/components/editor/use-expression-completion";

/** A switch's params drawn by SwitchCasesField instead of JSON fields. */
const SWITCH_FORM_FIELDS = new Set(["cases", "default"]);

/**
 * A field's change. `coalesceKey`: changes with the same key in a row make one undo step (the
 * default is the path); `null` makes this change a step of its own (adding or removing a trigger).
 */
export type FieldChange = (path: string[], value: unknown, coalesceKey?: string | null) => void;

const text = (name: string, label: string, description?: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  label,
  kind: "text",
  required: false,
  expression: false,
  ...(description ? { description } : {}),
  ...extra,
});

const json = (name: string, label: string, description: string): FieldSpec => ({
  name,
  label,
  description,
  kind: "json",
  required: false,
  expression: true,
});

const TRIGGER_RULE_FIELD: FieldSpec = {
  name: "triggerRule",
  label: "Trigger rule",
  kind: "select",
  options: [...TRIGGER_RULES],
  required: false,
  expression: false,
  default: DEFAULT_TRIGGER_RULE,
  description: "When the task may run, given its upstream tasks",
};

function SchemaFields({
  fields,
  base,
  target,
  taskKey,
  issues,
  onChange,
  readOnly,
}: {
  fields: FieldSpec[];
  base: string[];
  target: unknown;
  taskKey: string | undefined;
  issues: PlacedIssue[];
  onChange: FieldChange;
  readOnly?: boolean;
}) {
  return (
    <>
      {fields.map((spec) => {
        const path = [...base, spec.name];
        const fieldPath = path.join(".");
        return (
          <SchemaField
            key={fieldPath}
            spec={spec}
            fieldName={fieldPath}
            value={getIn(target, path)}
            issues={issuesAt(issues, taskKey, fieldPath).map((issue) => issue.message)}
            onChange={(value) => onChange(path, value)}
            readOnly={readOnly}
          />
        );
      })}
    </>
  );
}

export function TaskInspector({
  task,
  draft,
  issues,
  onChange,
  onRename,
  onSelectTask,
  readOnly,
}: {
  task: DraftTask;
  draft: DraftDefinition;
  issues: PlacedIssue[];
  onChange: FieldChange;
  onRename: (newKey: string) => void;
  onSelectTask: (taskKey: string) => void;
  readOnly?: boolean;
}) {
  const info = TASK_TYPE_INFO[task.type as TaskType];
  const visual = TASK_TYPE_VISUAL[task.type as TaskType];
  const Icon = visual.icon;
  const messages = (field: string) => issuesAt(issues, task.key, field).map((issue) => issue.message);
  const taskLevel = issues.filter((issue) => issue.taskKey === task.key && issue.field === "");
  const paramsOwn = issues.filter((issue) => issue.taskKey === task.key && issue.field === "params");
  return (
    <ExpressionCompletionContext value={{ draft, taskKey: task.key }}>
      <div data-testid="task-inspector" data-task-key={task.key}>
        <div className="flex items-center gap-2.5 px-4 py-3">
          <span className={`flex size-8 items-center justify-center rounded-md ${visual.iconTone}`}>
            <Icon className="size-4" aria-hidden />
          </span>
          <div className="min-w-0">
            <p className="truncate text-sm font-semibold">{task.key}</p>
            <p className="text-xs text-zinc-500">{info.label} · {info.description}</p>
          </div>
        </div>
        {taskLevel.length > 0 ? (
          <ul className="mx-4 mb-3 rounded-md bg-red-50 px-3 py-2 text-xs text-red-700 dark:bg-red-500/10 dark:text-red-300">
            {taskLevel.map((issue, index) => (
              <li key={index}>{issue.message}</li>
            ))}
          </ul>
        ) : null}
        <Section title="Task">
          <KeyField
            task={task}
            taken={draft.tasks.filter((t) => t.key !== task.key).map((t) => t.key)}
            issues={messages("key")}
            onRename={onRename}
            readOnly={readOnly}
          />
          <SchemaFields
            fields={[text("name", "Name", "Display label"), text("description", "Description", "What the task does, for people")]}
            base={[]}
            target={task}
            taskKey={task.key}
            issues={issues}
            onChange={onChange}
            readOnly={readOnly}
          />
          <div className="flex flex-col gap-1">
            <span className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Depends on</span>
            {task.dependsOn && task.dependsOn.length > 0 ? (
              <div className="flex flex-wrap gap-1" data-testid="depends-on">
                {task.dependsOn.map((key) => (
                  <button
                    key={key}
                    type="button"
                    onClick={() => onSelectTask(key)}
                    className="nodrag inline-flex items-center gap-1 rounded-md bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700 hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-300"
                  >
                    <Link2 className="size-3" aria-hidden />
                    {key}
                  </button>
                ))}
              </div>
            ) : (
              <p className="text-xs text-zinc-500">Nothing — a start task. Connect a handle to add a dependency.</p>
            )}
            {messages("dependsOn").map((message, index) => (
              <p key={index} className="text-xs text-red-600">{message}</p>
            ))}
          </div>
          <SchemaFields
            fields={[
              TRIGGER_RULE_FIELD,
              text("when", "When", "Condition {% … %}; false skips the task (and the skip propagates)", { expression: true }),
            ]}
            base={[]}
            target={task}
            taskKey={task.key}
            issues={issues}
            onChange={onChange}
            readOnly={readOnly}
          />
        </Section>
        <Section title={`${info.label} parameters`}>
          {paramsOwn.map((issue, index) => (
            <p key={index} className="rounded-md bg-red-50 px-2 py-1 text-xs text-red-700 dark:bg-red-500/10 dark:text-red-300">
              {issue.message}
            </p>
          ))}
          {task.type === "switch" ? <SwitchCasesField task={task} issues={issues} onChange={onChange} readOnly={readOnly} /> : null}
          <SchemaFields
            fields={fieldsForSchema(paramsSchemas[task.type as TaskType]).filter((spec) => !(task.type === "switch" && SWITCH_FORM_FIELDS.has(spec.name)))}
            base={["params"]}
            target={task}
            taskKey={task.key}
            issues={issues.filter((issue) => issue.field !== "params")}
            onChange={onChange}
            readOnly={readOnly}
          />
        </Section>
        <Section title="Input mapping" defaultOpen={task.input !== undefined}>
          <SchemaFields
            fields={[json("input", "Input", "The task's input: a JSON template; strings {% … %} are JSONata ($input, $tasks.<key>.output, $vars)")]}
            base={[]}
            target={task}
            taskKey={task.key}
            issues={issues}
            onChange={onChange}
            readOnly={readOnly}
          />
        </Section>
        <Section title="Retry" defaultOpen={task.retry !== undefined}>
          <SchemaFields fields={fieldsForSchema(retryPolicySchema)} base={["retry"]} target={task} taskKey={task.key} issues={issues} onChange={onChange} readOnly={readOnly} />
        </Section>
        <Section title="Timeouts" defaultOpen={task.timeouts !== undefined}>
          <SchemaFields fields={fieldsForSchema(timeoutsSchema)} base={["timeouts"]} target={task} taskKey={task.key} issues={issues} onChange={onChange} readOnly={readOnly} />
        </Section>
      </div>
    </ExpressionCompletionContext>
  );
}

const WORKFLOW_FIELDS: FieldSpec[] = [
  text("name", "Name", "A lowercase slug; it appears in URLs", { required: true }),
  text("description", "Description", "What the workflow does, for people"),
  { name: "timeoutMs", label: "Timeout (ms)", kind: "integer", required: false, expression: false, description: "Limit of a whole execution; no limit when empty" },
  text("failureWorkflow", "Failure workflow", "Workflow started when an execution fails; its input is { execution, error }"),
  json("input", "Input schema", 'JSON Schema of the execution input: { "type": "object", "properties": { … } } — the Run form is generated from it'),
  json("output", "Output mapping", "Output of the execution: a JSON template, evaluated when it completes"),
  json("variables", "Variables", "Constants available to expressions as $vars"),
];

export function WorkflowInspector({
  draft,
  issues,
  onChange,
  readOnly,
  focusNameRef,
}: {
  draft: DraftDefinition;
  issues: PlacedIssue[];
  onChange: FieldChange;
  readOnly?: boolean;
  /** While true, the Name field takes the focus (its text selected) when this mounts, and it is set false. */
  focusNameRef?: RefObject<boolean>;
}) {
  const workflowIssues = issues.filter((issue) => issue.taskKey === undefined);
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focusNameRef?.current) return;
    focusNameRef.current = false;
    const name = container.current?.querySelector<HTMLInputElement>('[data-field="name"] input');
    name?.focus();
    name?.select();
  }, [focusNameRef]);
  return (
    <div data-testid="workflow-inspector" ref={container}>
      <div className="flex items-center gap-2.5 px-4 py-3">
        <span className="flex size-8 items-center justify-center rounded-md bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
          <Settings2 className="size-4" aria-hidden />
        </span>
        <div>
          <p className="text-sm font-semibold">Workflow settings</p>
          <p className="text-xs text-zinc-500">Select a task to edit it</p>
        </div>
      </div>
      <Section title="Workflow">
        <ExpressionCompletionContext value={{ draft, taskKey: undefined }}>
          <SchemaFields fields={WORKFLOW_FIELDS} base={[]} target={draft} taskKey={undefined} issues={workflowIssues} onChange={onChange} readOnly={readOnly} />
        </ExpressionCompletionContext>
      </Section>
      <Section title="Triggers">
        <TriggersField draft={draft} issues={workflowIssues} onChange={onChange} readOnly={readOnly} />
      </Section>
    </div>
  );
}
