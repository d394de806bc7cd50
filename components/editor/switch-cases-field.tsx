"use client";

import { useId } from "react";
import { ArrowRight, Plus, Trash2 } from "lucide-react";
import type { DraftTask } from "@/lib/editor/document";
import { issuesAt, type PlacedIssue } from "@/lib/editor/issues";
import { switchBranches } from "@/lib/workflow/switch-branches";
import { FieldShell, INPUT_CLASS } from "@/components/editor/fields";
import { ExpressionCompletionList } from "@/components/editor/expression-completion-list";
import { useExpressionCompletion } from "@/components/editor/use-expression-completion";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

type Case = { name?: unknown; when?: unknown; next?: unknown };

/**
 * A switch's cases as a form (issue 12, point 6): per case its name and condition, and the tasks
 * it runs — those come from the canvas (an edge drawn from the case's handle), so they are shown,
 * not typed. Cases can be added and removed; the default branch is the "default" handle.
 */
export function SwitchCasesField({
  task,
  issues,
  onChange,
  readOnly,
}: {
  task: DraftTask;
  issues: PlacedIssue[];
  onChange: (path: string[], value: unknown) => void;
  readOnly?: boolean;
}) {
  const baseId = useId();
  const cases: Case[] = Array.isArray(task.params.cases) ? (task.params.cases as Case[]) : [];
  const setCases = (next: Case[]) => onChange(["params", "cases"], next);
  const update = (index: number, field: "name" | "when", value: string) => setCases(cases.map((entry, i) => (i === index ? { ...entry, [field]: value } : entry)));
  const messages = (field: string) => issuesAt(issues, task.key, field).map((issue) => issue.message);
  // The tasks each branch runs, read as the canvas draws them (cases by position, then the default).
  const branches = switchBranches(task.params);
  const defaultTargets = branches.at(-1)!.targets;
  return (
    <div className="flex flex-col gap-3" data-testid="switch-cases">
      {messages("params.cases")
        .filter((message, index, all) => all.indexOf(message) === index && cases.length === 0)
        .map((message) => (
          <p key={message} className="text-xs text-red-600">{message}</p>
        ))}
      <ol className="flex flex-col gap-3">
        {cases.map((entry, index) => {
          const at = `params.cases.${index}`;
          const targets = branches[index]!.targets;
          return (
            <li key={index} className="flex flex-col gap-2 rounded-md border border-zinc-200 p-2.5 dark:border-zinc-700" data-case={index}>
              <div className="flex items-center justify-between">
                <span className="text-[11px] font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400">Case {index + 1}</span>
                {readOnly ? null : (
                  <Button variant="ghost" className="h-6 px-1.5 text-xs" aria-label={`Remove case ${index + 1}`} onClick={() => setCases(cases.filter((_, i) => i !== index))}>
                    <Trash2 className="size-3.5" aria-hidden />
                  </Button>
                )}
              </div>
              <FieldShell id={`${baseId}-name-${index}`} label="Name" required errors={messages(`${at}.name`)} fieldName={`${at}.name`}>
                <input
                  id={`${baseId}-name-${index}`}
                  readOnly={readOnly}
                  className={cn(INPUT_CLASS, "text-xs")}
                  value={typeof entry.name === "string" ? entry.name : ""}
                  onChange={(event) => update(index, "name", event.target.value)}
                />
              </FieldShell>
              <FieldShell id={`${baseId}-when-${index}`} label="When" required errors={messages(`${at}.when`)} fieldName={`${at}.when`}>
                <ConditionInput
                  id={`${baseId}-when-${index}`}
                  fieldName={`${at}.when`}
                  readOnly={readOnly}
                  value={typeof entry.when === "string" ? entry.when : ""}
                  onChange={(value) => update(index, "when", value)}
                />
              </FieldShell>
              <BranchTargets label="Runs" targets={targets} hint="draw an edge from this case's handle" errors={messages(`${at}.next`)} />
            </li>
          );
        })}
      </ol>
      {readOnly ? null : (
        <Button variant="secondary" className="self-start text-xs" onClick={() => setCases([...cases, { name: `case_${cases.length + 1}`, when: "{% true %}", next: [] }])}>
          <Plus className="size-3.5" aria-hidden /> Add case
        </Button>
      )}
      <BranchTargets label="Default runs" targets={defaultTargets} hint="when no case holds; draw an edge from the default handle" errors={messages("params.default")} />
    </div>
  );
}

/** A case's condition, with the expression completion of the inspector's fields. */
function ConditionInput({ id, fieldName, readOnly, value, onChange }: { id: string; fieldName: string; readOnly?: boolean; value: string; onChange: (value: string) => void }) {
  const completion = useExpressionCompletion(fieldName, !readOnly, onChange);
  return (
    <div className="relative">
      <input
        id={id}
        readOnly={readOnly}
        className={cn(INPUT_CLASS, "font-mono text-xs")}
        value={value}
        placeholder="{% $input.count > 10 %}"
        spellCheck={false}
        {...completion.fieldProps}
        {...(readOnly ? {} : { role: "combobox", "aria-expanded": completion.open !== null })}
        onChange={(event) => {
          onChange(event.target.value);
          completion.follow();
        }}
      />
      <ExpressionCompletionList completion={completion} />
    </div>
  );
}

function BranchTargets({ label, targets, hint, errors }: { label: string; targets: string[]; hint: string; errors: string[] }) {
  return (
    <div className="flex flex-col gap-1 text-xs">
      <span className="font-medium text-zinc-700 dark:text-zinc-300">{label}</span>
      {targets.length > 0 ? (
        <span className="flex flex-wrap gap-1">
          {targets.map((key, position) => (
            <span key={`${key}-${position}`} className="inline-flex items-center gap-1 rounded-md bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
              <ArrowRight className="size-3" aria-hidden />
              {key}
            </span>
          ))}
        </span>
      ) : (
        <span className="text-zinc-500">Nothing yet — {hint}.</span>
      )}
      {errors.map((message, index) => (
        <p key={index} className="text-red-600 dark:text-red-400" role="alert">
          {message}
        </p>
      ))}
    </div>
  );
}
