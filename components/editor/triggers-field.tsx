"use client";

import { useId, useState } from "react";
import { ArrowDown, ArrowUp, Braces, CalendarClock, ListChecks, Plus, Trash2, Webhook, Workflow } from "lucide-react";
import type { TriggerType } from "@/lib/workflow";
import type { DraftDefinition } from "@/lib/editor/document";
import type { FieldSpec } from "@/lib/editor/form-fields";
import { issuesAt, type PlacedIssue } from "@/lib/editor/issues";
import {
  addTrigger,
  moveTrigger,
  readTriggers,
  removeTrigger,
  setTriggerField,
  triggerFields,
  triggerPath,
  triggersValue,
  TRIGGER_TYPE_CHOICES,
  type DraftTrigger,
} from "@/lib/editor/trigger-form";
import { INPUT_CLASS, SchemaField } from "@/components/editor/fields";
import { TriggerPreview } from "@/components/editor/trigger-preview";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

const TYPE_ICON = { schedule: CalendarClock, webhook: Webhook, workflow: Workflow } as const;
const TYPE_LABEL = Object.fromEntries(TRIGGER_TYPE_CHOICES.map((choice) => [choice.type, choice.label])) as Record<TriggerType, string>;

/** The escape hatch: the whole `triggers` array as JSON (and what the form cannot show). */
const TRIGGERS_JSON_FIELD: FieldSpec = {
  name: "triggers",
  label: "Triggers (JSON)",
  description: 'What starts it by itself: [{ "type": "schedule", "key": "nightly", "cron": "0 2 * * *", "timezone": "Europe/Berlin" }, { "type": "webhook", "key": "deploy" }, { "type": "workflow", "key": "after", "workflow": "build" }]',
  kind: "json",
  required: false,
  expression: false,
};

/**
 * The workflow's triggers as forms (issue 13, point 1), like SwitchCasesField for a switch's
 * cases: a card per trigger whose fields are generated from its type's schema
 * (lib/editor/trigger-form.ts), its problems inline and its preview (next fire times, webhook URL
 * and curl) below; add (with a type), remove, move up and down. "Edit as JSON" shows the array
 * as text, and is the only editor while the form cannot represent it.
 */
export function TriggersField({
  draft,
  issues,
  onChange,
  readOnly,
}: {
  draft: DraftDefinition;
  issues: PlacedIssue[];
  onChange: (path: string[], value: unknown, coalesceKey?: string | null) => void;
  readOnly?: boolean;
}) {
  const [asJson, setAsJson] = useState(false);
  const [addType, setAddType] = useState<TriggerType>("schedule");
  const addTypeId = useId();
  const read = readTriggers(draft.triggers);
  // Typing into one trigger's field is one undo step; adding, moving or removing one is a step of its own.
  const setTriggers = (next: DraftTrigger[], coalesceKey: string | null = null) => onChange(["triggers"], triggersValue(next), coalesceKey);
  if (asJson || !read.ok) {
    return (
      <div className="flex flex-col gap-2" data-testid="triggers-json">
        {!read.ok ? <p className="text-xs text-amber-700 dark:text-amber-400">Edited as JSON: {read.reason}.</p> : null}
        <SchemaField
          spec={TRIGGERS_JSON_FIELD}
          fieldName="triggers"
          value={draft.triggers}
          issues={issuesAt(issues, undefined, "triggers").map((issue) => `${issue.path}: ${issue.message}`)}
          onChange={(value) => onChange(["triggers"], value)}
          readOnly={readOnly}
        />
        <Button variant="ghost" className="self-start text-xs" disabled={!read.ok} onClick={() => setAsJson(false)}>
          <ListChecks className="size-3.5" aria-hidden /> Edit as form
        </Button>
      </div>
    );
  }
  const { triggers } = read;
  const listLevel = issues.filter((issue) => issue.taskKey === undefined && issue.field === "triggers");
  return (
    <div className="flex flex-col gap-3" data-testid="triggers-form">
      {listLevel.map((issue, index) => (
        <p key={index} className="text-xs text-red-600 dark:text-red-400" role="alert">{issue.message}</p>
      ))}
      {triggers.length === 0 ? <p className="text-xs text-zinc-500">None: it starts only when someone runs it (or calls the API).</p> : null}
      <ol className="flex flex-col gap-3">
        {triggers.map((trigger, index) => (
          <TriggerCard
            key={index}
            workflow={draft.name}
            trigger={trigger}
            index={index}
            count={triggers.length}
            issues={issues}
            readOnly={readOnly}
            onField={(name, value) => setTriggers(setTriggerField(triggers, index, name, value), triggerPath(index, name))}
            onMove={(delta) => setTriggers(moveTrigger(triggers, index, delta))}
            onRemove={() => setTriggers(removeTrigger(triggers, index))}
          />
        ))}
      </ol>
      <div className="flex flex-wrap items-center gap-2">
        {readOnly ? null : (
          <>
            <label htmlFor={addTypeId} className="sr-only">Type of the new trigger</label>
            <select id={addTypeId} className={cn(INPUT_CLASS.replace("w-full ", ""), "w-36 py-1 text-xs")} value={addType} onChange={(event) => setAddType(event.target.value as TriggerType)}>
              {TRIGGER_TYPE_CHOICES.map((choice) => (
                <option key={choice.type} value={choice.type} title={choice.description}>{choice.label}</option>
              ))}
            </select>
            <Button className="text-xs" onClick={() => setTriggers(addTrigger(triggers, addType))}>
              <Plus className="size-3.5" aria-hidden /> Add trigger
            </Button>
          </>
        )}
        <Button variant="ghost" className="ml-auto text-xs" onClick={() => setAsJson(true)}>
          <Braces className="size-3.5" aria-hidden /> Edit as JSON
        </Button>
      </div>
    </div>
  );
}

function TriggerCard({
  workflow,
  trigger,
  index,
  count,
  issues,
  readOnly,
  onField,
  onMove,
  onRemove,
}: {
  workflow: string;
  trigger: DraftTrigger;
  index: number;
  count: number;
  issues: PlacedIssue[];
  readOnly?: boolean;
  onField: (name: string, value: unknown) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}) {
  const Icon = TYPE_ICON[trigger.type];
  const name = `${TYPE_LABEL[trigger.type]} ${trigger.key || index + 1}`;
  const own = issues.filter((issue) => issue.taskKey === undefined && issue.field === triggerPath(index));
  return (
    <li className="flex flex-col gap-2.5 rounded-md border border-zinc-200 p-2.5 dark:border-zinc-700" data-trigger={index} data-trigger-type={trigger.type} aria-label={`Trigger ${name}`}>
      <div className="flex items-center gap-1.5">
        <Icon className="size-3.5 shrink-0 text-zinc-500" aria-hidden />
        <span className="min-w-0 flex-1 text-[11px] font-semibold tracking-wide break-words text-zinc-600 uppercase dark:text-zinc-400">
          {TYPE_LABEL[trigger.type]} <span className="font-mono normal-case">{trigger.key}</span>
        </span>
        {readOnly ? null : (
          <>
            <Button variant="ghost" className="h-6 px-1" aria-label={`Move ${name} up`} disabled={index === 0} onClick={() => onMove(-1)}>
              <ArrowUp className="size-3.5" aria-hidden />
            </Button>
            <Button variant="ghost" className="h-6 px-1" aria-label={`Move ${name} down`} disabled={index === count - 1} onClick={() => onMove(1)}>
              <ArrowDown className="size-3.5" aria-hidden />
            </Button>
            <Button variant="ghost" className="h-6 px-1" aria-label={`Remove ${name}`} onClick={onRemove}>
              <Trash2 className="size-3.5" aria-hidden />
            </Button>
          </>
        )}
      </div>
      {own.map((issue, i) => (
        <p key={i} className="rounded-md bg-red-50 px-2 py-1 text-xs text-red-700 dark:bg-red-500/10 dark:text-red-300" role="alert">{issue.message}</p>
      ))}
      <TriggerPreview workflow={workflow} trigger={trigger} />
      {triggerFields(trigger.type).map((spec) => {
        const fieldName = triggerPath(index, spec.name);
        return (
          <SchemaField
            key={fieldName}
            spec={spec}
            fieldName={fieldName}
            value={trigger[spec.name]}
            issues={issuesAt(issues, undefined, fieldName).map((issue) => issue.message)}
            onChange={(value) => onField(spec.name, value)}
            readOnly={readOnly}
          />
        );
      })}
    </li>
  );
}
