"use client";

import { useCallback } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import type { JsonValue } from "@/lib/workflow";
import { startExecutionAction } from "@/app/workflows/actions";
import type { EditorBusy } from "@/components/editor/editor-toolbar";
import type { RunRefusal } from "@/components/editor/run-dialog";

type RunOptions = {
  /** The saved workflow to run; nothing runs before the first save. */
  savedName: string | undefined;
  /** The stored version shown; without one the latest version runs. */
  version: number | undefined;
  setBusy: (busy: EditorBusy | null) => void;
  /** The execution started (before the page moves to its monitor). */
  onStarted: () => void;
};

/**
 * Starting a run from the Run dialog: starts an execution (startExecutionAction) and opens its
 * monitor page. A refusal (an input that does not fit the schema: every problem with its path)
 * is given back to the dialog, which shows each problem at its field.
 */
export function useStartRun({ savedName, version, setBusy, onStarted }: RunOptions) {
  const router = useRouter();
  return useCallback(
    async (input: Record<string, JsonValue>): Promise<RunRefusal | null> => {
      if (!savedName) return null;
      setBusy("run");
      try {
        const started = await startExecutionAction({ workflow: savedName, ...(version ? { version } : {}), input });
        if (!started.ok) return { message: started.error.message, details: started.error.details };
        onStarted();
        router.push(`/executions/${encodeURIComponent(started.value.executionId)}`);
        return null;
      } catch (error) {
        toast.error("Not started", { description: error instanceof Error ? error.message : String(error) });
        return null;
      } finally {
        setBusy(null);
      }
    },
    [onStarted, router, savedName, version, setBusy],
  );
}
