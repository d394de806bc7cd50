"use client";

import { useId, useState } from "react";
import { TASK_KEY_PATTERN } from "@/lib/workflow";
import type { DraftTask } from "@/lib/editor/document";
import { cn } from "@/components/ui/cn";
import { FieldShell, INPUT_CLASS } from "@/components/editor/fields";

/** The key field: renames on Enter or blur, refusing a key that is malformed or taken. */
export function KeyField({
  task,
  taken,
  issues,
  onRename,
  readOnly,
}: {
  task: DraftTask;
  taken: string[];
  issues: string[];
  onRename: (newKey: string) => void;
  readOnly?: boolean;
}) {
  const id = useId();
  const [draft, setDraft] = useState({ key: task.key, text: task.key });
  let current = draft;
  if (draft.key !== task.key) {
    current = { key: task.key, text: task.key };
    setDraft(current);
  }
  const problem =
    current.text === current.key
      ? undefined
      : !TASK_KEY_PATTERN.test(current.text)
        ? "must start with a letter or '_' and contain only letters, digits and '_'"
        : taken.includes(current.text)
          ? `another task already has the key ${current.text}`
          : undefined;
  const apply = () => {
    if (current.text !== current.key && problem === undefined) onRename(current.text);
  };
  return (
    <FieldShell
      id={id}
      label="Key"
      required
      description="Unique; expressions read the result as $tasks.<key>. Renaming updates every reference."
      errors={[...(problem ? [problem] : []), ...issues]}
      fieldName="key"
    >
      <input
        id={id}
        readOnly={readOnly}
        className={cn(INPUT_CLASS, "font-mono text-xs", problem && "border-red-400")}
        value={current.text}
        onChange={(event) => setDraft({ key: current.key, text: event.target.value })}
        onBlur={apply}
        onKeyDown={(event) => {
          if (event.key === "Enter") apply();
          if (event.key === "Escape") setDraft({ key: task.key, text: task.key });
        }}
        spellCheck={false}
      />
    </FieldShell>
  );
}
