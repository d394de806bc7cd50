"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { Ban, RefreshCw, Undo2 } from "lucide-react";
import { toast } from "sonner";
import { bulkOperationAction, bulkTaskChoicesAction, type BulkTarget, type BulkTaskChoices } from "@/app/executions/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";

type Operation = "terminate" | "retry" | "rerun";
type Bulk = { operation: Operation; title: string; description: string };

const BULK: Record<Operation, Bulk> = {
  terminate: { operation: "terminate", title: "Terminate", description: "Live executions among them end TERMINATED; pending tasks are cancelled." },
  retry: { operation: "retry", title: "Retry failed tasks", description: "In each finished execution, the failed tasks (and what they blocked) run again." },
  rerun: { operation: "rerun", title: "Rerun from a task", description: "In each execution, this task and everything after it run again; upstream results are kept." },
};

const FIELD = "h-8 rounded-md border border-zinc-200 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-950";

/**
 * The bar over the executions list while some are selected, and the dialog of each bulk action.
 * `target` is the picked executions, or every one the list's filters match ("all N matching").
 */
export function ExecutionsBulkBar({ target, count, onDone, onClear }: { target: BulkTarget; count: number; onDone: () => void; onClear: () => void }) {
  const [bulk, setBulk] = useState<Bulk | null>(null);
  const [reason, setReason] = useState("");
  const [taskKey, setTaskKey] = useState("");
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const run = () => {
    if (!bulk) return;
    const body = bulk.operation === "terminate" ? { reason } : bulk.operation === "rerun" ? { fromTaskKey: taskKey, ...(reason ? { reason } : {}) } : reason ? { reason } : {};
    startTransition(async () => {
      const outcome = await bulkOperationAction(target, bulk.operation, body);
      if (!outcome.ok) {
        toast.error(`${bulk.title} refused`, { description: outcome.error.message });
        return;
      }
      const results = outcome.value;
      const done = results.filter((r) => r.ok).length;
      const refused = results.filter((r) => !r.ok);
      if (done > 0) toast.success(`${bulk.title}: ${done} of ${results.length} done`);
      if (refused.length > 0) toast.error(`${refused.length} refused`, { description: refused.slice(0, 5).map((r) => r.message).join("\n") });
      setBulk(null);
      setReason("");
      setTaskKey("");
      onDone();
      router.refresh();
    });
  };
  const plural = count === 1 ? "" : "s";
  return (
    <>
      <div className="flex flex-wrap items-center gap-2 rounded-lg border border-accent-100 bg-accent-50 px-3 py-2 text-sm dark:border-accent-700/40 dark:bg-accent-700/10" aria-label="Bulk actions">
        <span className="mr-2 font-medium">{"search" in target ? `All ${count} matching selected` : `${count} selected`}</span>
        <Button onClick={() => setBulk(BULK.retry)}>
          <RefreshCw className="size-4" aria-hidden /> Retry failed
        </Button>
        <Button onClick={() => setBulk(BULK.rerun)}>
          <Undo2 className="size-4" aria-hidden /> Rerun from…
        </Button>
        <Button variant="dangerOutline" onClick={() => setBulk(BULK.terminate)}>
          <Ban className="size-4" aria-hidden /> Terminate
        </Button>
        <Button variant="ghost" onClick={onClear}>
          Clear selection
        </Button>
      </div>
      <Dialog
        open={bulk !== null}
        onOpenChange={(open) => !open && setBulk(null)}
        title={bulk ? `${bulk.title}: ${count} execution${plural}` : ""}
        description={bulk?.description}
        footer={
          <>
            <Button onClick={() => setBulk(null)}>Cancel</Button>
            <Button
              variant={bulk?.operation === "terminate" ? "danger" : "primary"}
              disabled={pending || (bulk?.operation === "terminate" && reason.trim() === "") || (bulk?.operation === "rerun" && taskKey === "")}
              onClick={run}
            >
              {bulk?.title}
            </Button>
          </>
        }
      >
        {bulk?.operation === "rerun" ? <TaskPicker target={target} value={taskKey} onChange={setTaskKey} /> : null}
        <label className="flex flex-col gap-1 text-sm">
          {bulk?.operation === "terminate" ? "Reason (required, recorded in each history)" : "Reason (optional)"}
          <textarea className="w-full rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-700 dark:bg-zinc-950" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      </Dialog>
    </>
  );
}

/** The task to rerun from, picked from the tasks of the selected executions' workflow versions. */
function TaskPicker({ target, value, onChange }: { target: BulkTarget; value: string; onChange: (key: string) => void }) {
  const [choices, setChoices] = useState<BulkTaskChoices | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void bulkTaskChoicesAction(target).then((outcome) => {
      if (!live) return;
      if (outcome.ok) setChoices(outcome.value);
      else setError(outcome.error.message);
    });
    return () => {
      live = false;
    };
  }, [target]);
  if (error) return <p className="text-sm text-red-600">{error}</p>;
  if (!choices) return <p className="text-sm text-zinc-500">Reading the workflows’ tasks…</p>;
  const versions = choices.length;
  return (
    <label className="flex flex-col gap-1 text-sm">
      Task to rerun from
      <select className={FIELD} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose a task…</option>
        {choices.map((choice) => (
          <optgroup key={`${choice.workflow}@${choice.version}`} label={`${choice.workflow} v${choice.version} (${choice.executions} execution${choice.executions === 1 ? "" : "s"})`}>
            {choice.tasks.map((task) => (
              <option key={`${choice.workflow}@${choice.version}/${task.key}`} value={task.key}>
                {task.key}
                {task.name ? ` — ${task.name}` : ""} ({task.type})
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {versions > 1 ? <span className="text-xs text-zinc-500">The selection spans {versions} workflow versions: executions whose workflow has no task of this key are refused, and said so.</span> : null}
    </label>
  );
}
