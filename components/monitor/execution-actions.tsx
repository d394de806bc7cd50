"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Ban, Pause, Play, RotateCcw, RefreshCw, SkipForward, ThumbsDown, ThumbsUp, Undo2 } from "lucide-react";
import { toast } from "sonner";
import { performOperationAction, type OperationActionResult } from "@/app/executions/[executionId]/actions";
import type { ExecutionView, TaskView } from "@/lib/services/executions";
import { rerunAvailability, retryAvailability } from "@/lib/engine/available-operations";
import type { TaskRunSnapshot } from "@/lib/engine/types";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { isFinishedExecution } from "@/components/monitor/status-visual";

type Run = (operation: string, body: unknown, success: string) => Promise<OperationActionResult>;

/** Runs an operation as a server action, reports the outcome in a toast, refreshes the view. */
export function useOperation(executionId: string, onDone: () => void): { run: Run; pending: boolean } {
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const run: Run = (operation, body, success) =>
    new Promise((resolve) => {
      startTransition(async () => {
        const result = await performOperationAction(executionId, operation, body);
        if (result.ok) {
          if (!("dryRun" in result.execution)) toast.success(success);
          if (result.createdExecutionId) router.push(`/executions/${result.createdExecutionId}`);
          onDone();
        } else {
          toast.error(result.error.message, { description: result.error.details.map((d) => `${d.path}: ${d.message}`).join("\n") || undefined });
        }
        resolve(result);
      });
    });
  return { run, pending };
}

const TEXTAREA = "w-full rounded-md border border-zinc-200 bg-white p-2 text-sm dark:border-zinc-700 dark:bg-zinc-950";

type Planned = { definition: WorkflowDefinition; runs: readonly TaskRunSnapshot[] };

/** The execution's actions, offering only what would do something (available-operations.ts). */
export function ExecutionActions({ execution, definition, runs, onChanged }: { execution: ExecutionView; onChanged: () => void } & Planned) {
  const { run, pending } = useOperation(execution.id, onChanged);
  const [dialog, setDialog] = useState<"terminate" | "restart" | null>(null);
  const [reason, setReason] = useState("");
  const status = execution.status;
  const finished = isFinishedExecution(status);
  const canRetry = retryAvailability(definition, status, runs).ok;
  return (
    <div className="flex flex-wrap items-center gap-2" aria-label="Execution actions">
      {status === "RUNNING" ? (
        <Button disabled={pending} onClick={() => run("pause", {}, "Paused: running tasks finish, nothing new starts")}>
          <Pause className="size-4" aria-hidden /> Pause
        </Button>
      ) : null}
      {status === "PAUSED" ? (
        <Button disabled={pending} onClick={() => run("resume", {}, "Resumed")}>
          <Play className="size-4" aria-hidden /> Resume
        </Button>
      ) : null}
      {canRetry ? (
        <Button disabled={pending} onClick={() => run("retry", {}, "Retrying the failed tasks")}>
          <RefreshCw className="size-4" aria-hidden /> Retry failed
        </Button>
      ) : null}
      {finished ? (
        <Button disabled={pending} onClick={() => setDialog("restart")}>
          <RotateCcw className="size-4" aria-hidden /> Restart
        </Button>
      ) : null}
      {!finished ? (
        <Button variant="dangerOutline" disabled={pending} onClick={() => setDialog("terminate")}>
          <Ban className="size-4" aria-hidden /> Terminate
        </Button>
      ) : null}
      <Dialog
        open={dialog === "terminate"}
        onOpenChange={(open) => setDialog(open ? "terminate" : null)}
        title="Terminate this execution?"
        description="Pending and running tasks are cancelled and child executions terminated. This cannot be undone (you can restart it later)."
        footer={
          <>
            <Button onClick={() => setDialog(null)}>Cancel</Button>
            <Button
              variant="danger"
              disabled={pending || reason.trim() === ""}
              onClick={async () => {
                const result = await run("terminate", { reason }, "Terminated");
                if (result.ok) setDialog(null);
              }}
            >
              Terminate
            </Button>
          </>
        }
      >
        <label className="flex flex-col gap-1 text-sm">
          Reason (recorded in the history)
          <textarea className={TEXTAREA} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. wrong input, superseded by a new run" />
        </label>
      </Dialog>
      <Dialog
        open={dialog === "restart"}
        onOpenChange={(open) => setDialog(open ? "restart" : null)}
        title="Restart as a new execution"
        description="Starts a new execution from the beginning with the same input. This one stays as it ended."
        footer={
          <>
            <Button onClick={() => setDialog(null)}>Cancel</Button>
            <Button disabled={pending} onClick={() => run("restart", { useLatestVersion: true }, "Restarted on the latest version").then(() => setDialog(null))}>
              On the latest version
            </Button>
            <Button variant="primary" disabled={pending} onClick={() => run("restart", {}, `Restarted on v${execution.workflowVersion}`).then(() => setDialog(null))}>
              On v{execution.workflowVersion}
            </Button>
          </>
        }
      />
    </div>
  );
}

/** The actions on one task, shown in the task inspector. */
export function TaskActions({
  execution,
  definition,
  runs,
  taskKey,
  task,
  taskType,
  onChanged,
  onRerun,
}: {
  execution: ExecutionView;
  taskKey: string;
  task: TaskView | undefined;
  taskType: string;
  onChanged: () => void;
  onRerun: () => void;
} & Planned) {
  const { run, pending } = useOperation(execution.id, onChanged);
  const [decision, setDecision] = useState<"approve" | "reject" | "skip" | null>(null);
  const [reason, setReason] = useState("");
  const finished = isFinishedExecution(execution.status);
  const taskStatus = task?.status ?? "PENDING";
  const waitingApproval = taskType === "approval" && taskStatus === "WAITING";
  const canSkip = !finished && ["PENDING", "SCHEDULED", "RETRYING", "FAILED", "TIMED_OUT", "CANCELLED"].includes(taskStatus);
  const rerun = rerunAvailability(definition, execution.status, runs, taskKey);
  const canRerun = rerun.ok;
  // Why not, when a rerun is what an operator of a finished execution would look for here.
  const rerunHint = !rerun.ok && (finished || execution.status === "PAUSED") ? rerun.why : null;
  if (!waitingApproval && !canSkip && !canRerun && !rerunHint) return null;
  return (
    <div className="flex flex-wrap gap-2" aria-label="Task actions">
      {rerunHint ? (
        <p className="w-full text-xs text-zinc-600 dark:text-zinc-400" data-testid="rerun-unavailable">
          No rerun from here: {rerunHint}.
        </p>
      ) : null}
      {waitingApproval ? (
        <>
          <Button variant="primary" disabled={pending} onClick={() => setDecision("approve")}>
            <ThumbsUp className="size-4" aria-hidden /> Approve
          </Button>
          <Button variant="dangerOutline" disabled={pending} onClick={() => setDecision("reject")}>
            <ThumbsDown className="size-4" aria-hidden /> Reject
          </Button>
        </>
      ) : null}
      {canRerun ? (
        <Button variant={finished ? "primary" : "secondary"} disabled={pending} onClick={onRerun}>
          <Undo2 className="size-4" aria-hidden /> Rerun from here
        </Button>
      ) : null}
      {canSkip ? (
        <Button disabled={pending} onClick={() => setDecision("skip")}>
          <SkipForward className="size-4" aria-hidden /> Skip
        </Button>
      ) : null}
      <Dialog
        open={decision !== null}
        onOpenChange={(open) => !open && setDecision(null)}
        title={decision === "approve" ? `Approve ${taskKey}?` : decision === "reject" ? `Reject ${taskKey}?` : `Skip ${taskKey}?`}
        description={
          decision === "reject"
            ? "The task fails for good; what depends on it does not run."
            : decision === "skip"
              ? "The task is marked skipped; tasks after it run according to their trigger rules."
              : "The workflow continues past this approval."
        }
        footer={
          <>
            <Button onClick={() => setDecision(null)}>Cancel</Button>
            <Button
              variant={decision === "reject" ? "danger" : "primary"}
              disabled={pending || (decision !== "approve" && reason.trim() === "")}
              onClick={async () => {
                const body = decision === "skip" ? { taskKey, reason } : { taskKey, ...(reason.trim() ? { reason } : {}) };
                const result = await run(decision!, body, decision === "approve" ? "Approved" : decision === "reject" ? "Rejected" : "Skipped");
                if (result.ok) {
                  setDecision(null);
                  setReason("");
                }
              }}
            >
              {decision === "approve" ? "Approve" : decision === "reject" ? "Reject" : "Skip"}
            </Button>
          </>
        }
      >
        <label className="flex flex-col gap-1 text-sm">
          {decision === "approve" ? "Comment (optional)" : "Reason (required, recorded in the history)"}
          <textarea className={TEXTAREA} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      </Dialog>
    </div>
  );
}
