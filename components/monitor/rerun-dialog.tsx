"use client";

import { useEffect, useState } from "react";
import { performOperationAction } from "@/app/executions/[executionId]/actions";
import type { ExecutionView } from "@/lib/services/executions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useOperation } from "@/components/monitor/execution-actions";

type Preview = { reset: string[]; kept: string[] } | { error: string } | null;

/**
 * Rerun from a task: first a dry run shows what re-runs (the task and everything downstream) and
 * what is kept (upstream, with its outputs) — on the graph too, through `onPreview` — then the
 * operator may edit the execution's input before confirming.
 */
export function RerunDialog({
  execution,
  taskKey,
  onClose,
  onPreview,
  onDone,
}: {
  execution: ExecutionView;
  taskKey: string;
  onClose: () => void;
  onPreview: (reset: string[] | null) => void;
  onDone: () => void;
}) {
  const [preview, setPreview] = useState<Preview>(null);
  const [editInput, setEditInput] = useState(false);
  const [inputText, setInputText] = useState(() => JSON.stringify(execution.input ?? {}, null, 2));
  const { run, pending } = useOperation(execution.id, onDone);

  useEffect(() => {
    let cancelled = false;
    void performOperationAction(execution.id, "rerun", { fromTaskKey: taskKey, dryRun: true }).then((result) => {
      if (cancelled) return;
      if (result.ok && "dryRun" in result.execution) {
        setPreview({ reset: result.execution.reset, kept: result.execution.kept });
        onPreview(result.execution.reset);
      } else if (!result.ok) {
        setPreview({ error: result.error.message });
      }
    });
    return () => {
      cancelled = true;
      onPreview(null);
    };
  }, [execution.id, taskKey, onPreview]);

  let inputError: string | null = null;
  let input: unknown = undefined;
  if (editInput) {
    try {
      input = JSON.parse(inputText);
    } catch (error) {
      inputError = (error as Error).message;
    }
  }
  const canRun = preview !== null && "reset" in preview && !pending && inputError === null;

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Rerun from ${taskKey}`}
      description="The task and everything downstream run again; tasks upstream keep their outputs."
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            disabled={!canRun}
            onClick={async () => {
              const result = await run("rerun", { fromTaskKey: taskKey, ...(editInput ? { input } : {}) }, `Rerunning from ${taskKey}`);
              if (result.ok) onClose();
            }}
          >
            Rerun {preview && "reset" in preview ? `${preview.reset.length} task${preview.reset.length === 1 ? "" : "s"}` : ""}
          </Button>
        </>
      }
    >
      {preview === null ? <p className="text-sm text-zinc-500">Working out what re-runs…</p> : null}
      {preview && "error" in preview ? <p className="rounded-md bg-red-50 p-2 text-sm text-red-700 dark:bg-red-950/40 dark:text-red-300">{preview.error}</p> : null}
      {preview && "reset" in preview ? (
        <div className="grid grid-cols-2 gap-3 text-sm" data-testid="rerun-preview">
          <div>
            <h3 className="text-xs font-semibold uppercase tracking-wide text-amber-700">Runs again ({preview.reset.length})</h3>
            <ul className="mt-1 font-mono text-xs">
              {preview.reset.map((key) => (
                <li key={key}>{key}</li>
              ))}
            </ul>
          </div>
          <div>
            <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Kept ({preview.kept.length})</h3>
            <ul className="mt-1 font-mono text-xs text-zinc-500">
              {preview.kept.map((key) => (
                <li key={key}>{key}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={editInput} onChange={(e) => setEditInput(e.target.checked)} />
        Change the execution&apos;s input
      </label>
      {editInput ? (
        <label className="flex flex-col gap-1 text-sm">
          Input (JSON)
          <textarea
            aria-label="Execution input"
            className="h-40 w-full rounded-md border border-zinc-200 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
            value={inputText}
            onChange={(e) => setInputText(e.target.value)}
          />
          {inputError ? <span className="text-xs text-red-600">Not valid JSON: {inputError}</span> : null}
        </label>
      ) : null}
    </Dialog>
  );
}
