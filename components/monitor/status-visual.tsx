import { isExecutionStatus, isTerminalExecutionStatus } from "@/lib/engine/statuses";
import { statusLook } from "@/components/monitor/status-palette";
import { cn } from "@/components/ui/cn";

/** The engine's "terminal" flag for an execution status read as a string (unknown: not finished). */
export function isFinishedExecution(status: string): boolean {
  return isExecutionStatus(status) && isTerminalExecutionStatus(status);
}

export function StatusIcon({ status, className }: { status: string; className?: string }) {
  const look = statusLook(status);
  const Icon = look.icon;
  return <Icon className={cn("size-3.5 shrink-0", look.colors.text, look.animated && "animate-spin", className)} aria-hidden />;
}

/** Color, icon and label together: never color alone. */
export function StatusBadge({ status, detail, className }: { status: string; detail?: string; className?: string }) {
  const look = statusLook(status);
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ring-black/5 dark:ring-white/10",
        look.colors.soft,
        look.colors.text,
        "dark:bg-zinc-800",
        className,
      )}
      data-status={status}
      title={look.description}
    >
      <StatusIcon status={status} />
      {look.label}
      {detail ? <span className="font-normal opacity-80">{detail}</span> : null}
    </span>
  );
}

export function StatusLegend({ statuses }: { statuses: readonly string[] }) {
  return (
    <ul className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400" aria-label="Status legend">
      {statuses.map((status) => (
        <li key={status} className="flex items-center gap-1">
          <StatusIcon status={status} />
          {statusLook(status).label}
        </li>
      ))}
    </ul>
  );
}
