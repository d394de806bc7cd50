"use client";

import { useMemo } from "react";
import { ExternalLink } from "lucide-react";
import { describeDiff, diffDefinitions } from "@/lib/editor/diff";
import type { PendingConflict } from "@/components/editor/use-save-workflow";
import { EditorDialog } from "@/components/editor/dialogs";
import { Button } from "@/components/ui/button";

/** One side of the conflict: what changed from the base, one line per change (lib/editor/diff.ts). */
function Changes({ title, lines, testId }: { title: string; lines: string[]; testId: string }) {
  return (
    <section className="min-w-0 flex-1 rounded-md border border-zinc-200 p-3 dark:border-zinc-700" data-testid={testId}>
      <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-300">{title}</h3>
      <ul className="flex flex-col gap-0.5 font-mono text-xs">
        {lines.map((line, index) => (
          <li key={index} className="break-all">
            {line}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * A save was refused. `exists`: creating a workflow whose name is taken — open it, or rename.
 * `stale`: someone saved a version since this one was opened — the semantic diff of both sides
 * from the common base, and keep mine (save after theirs) / take theirs / open both.
 */
export function SaveConflictDialog({
  conflict,
  saving,
  onKeepMine,
  onTakeTheirs,
  onClose,
}: {
  conflict: PendingConflict | null;
  saving: boolean;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onClose: () => void;
}) {
  const sides = useMemo(() => {
    if (!conflict?.latest || conflict.kind !== "stale") return null;
    // Without a stored base (it was never saved), both sides are told against the latest.
    const base = conflict.base?.definition ?? conflict.latest.definition;
    return { theirs: describeDiff(diffDefinitions(base, conflict.latest.definition)), mine: describeDiff(diffDefinitions(base, conflict.mine)) };
  }, [conflict]);
  if (!conflict) return null;
  const { latest, base, workflow, href } = conflict;
  const openLink = (
    <a href={href} target="_blank" rel="noopener noreferrer" className="inline-flex items-center gap-1 font-medium text-accent-600 hover:underline">
      Open {workflow}
      {latest ? ` (v${latest.version})` : ""} in a new tab <ExternalLink className="size-3.5" aria-hidden />
    </a>
  );

  if (conflict.kind === "exists") {
    return (
      <EditorDialog open onOpenChange={(open) => !open && onClose()} title={`A workflow named ${workflow} already exists`} description="Nothing was saved: saving would have replaced it.">
        <div className="flex flex-col gap-3 text-sm" data-testid="save-conflict" data-kind="exists">
          <p>
            <strong>{workflow}</strong> is at v{latest?.version} with {latest?.taskCount} task{latest?.taskCount === 1 ? "" : "s"}
            {latest?.createdBy ? `, last saved by ${latest.createdBy}` : ""}. Give this workflow another name, or open the existing one to change it.
          </p>
          <p>{openLink}</p>
          <div className="flex justify-end">
            <Button variant="primary" onClick={onClose}>
              Choose another name
            </Button>
          </div>
        </div>
      </EditorDialog>
    );
  }

  return (
    <EditorDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`${workflow} changed since you opened it`}
      description={
        latest
          ? `You edited ${base ? `v${base.version}` : "an earlier version"}; ${latest.createdBy ?? "someone"} saved v${latest.version} since. Nothing was saved yet.`
          : "The workflow is no longer stored. Nothing was saved."
      }
      wide
    >
      <div className="flex flex-col gap-4 text-sm" data-testid="save-conflict" data-kind="stale">
        {sides ? (
          <div className="flex flex-col gap-3 md:flex-row">
            <Changes title={`Their changes (v${latest!.version})`} lines={sides.theirs} testId="conflict-theirs" />
            <Changes title="Your changes (not saved)" lines={sides.mine} testId="conflict-mine" />
          </div>
        ) : null}
        <ul className="flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-300">
          <li>
            <strong>Keep mine</strong>: save your version as v{(latest?.version ?? 0) + 1}; theirs stays in the version history.
          </li>
          <li>
            <strong>Take theirs</strong>: load v{latest?.version} here; your changes stay one undo away.
          </li>
          <li>
            <strong>Open both</strong>: open v{latest?.version} in a new tab and keep editing yours here.
          </li>
        </ul>
        <div className="flex flex-wrap justify-end gap-2">
          <Button
            disabled={!latest}
            onClick={() => {
              window.open(href, "_blank", "noopener");
              onClose();
            }}
          >
            <ExternalLink className="size-4" aria-hidden /> Open both
          </Button>
          <Button disabled={!latest} onClick={onTakeTheirs}>
            Take theirs
          </Button>
          <Button variant="primary" disabled={!latest || saving} onClick={onKeepMine}>
            {saving ? "Saving…" : "Keep mine"}
          </Button>
        </div>
      </div>
    </EditorDialog>
  );
}
