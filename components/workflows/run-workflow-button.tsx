"use client";

import { useCallback, useState } from "react";
import { Play } from "lucide-react";
import type { WorkflowDefinition } from "@/lib/workflow";
import { RunDialog } from "@/components/editor/run-dialog";
import { useStartRun } from "@/components/editor/use-start-run";
import type { EditorBusy } from "@/components/editor/editor-toolbar";
import { Button } from "@/components/ui/button";

/**
 * Run on the workflow page (operators): the designer's Run dialog, generated from the version's
 * input schema, starting that version; the page then moves to the new execution's monitor.
 */
export function RunWorkflowButton({ name, version, input }: { name: string; version: number; input: WorkflowDefinition["input"] }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<EditorBusy | null>(null);
  const onStarted = useCallback(() => setOpen(false), []);
  const startRun = useStartRun({ savedName: name, version, setBusy, onStarted });
  return (
    <>
      <Button onClick={() => setOpen(true)} title={`Start an execution of v${version}`}>
        <Play className="size-4" aria-hidden /> Run
      </Button>
      {open ? <RunDialog open onOpenChange={setOpen} schema={input} starting={busy === "run"} onStart={startRun} /> : null}
    </>
  );
}
