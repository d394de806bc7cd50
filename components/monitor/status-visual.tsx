import {
  Ban,
  Circle,
  CircleCheck,
  CircleX,
  Clock,
  Hourglass,
  LoaderCircle,
  Pause,
  RotateCw,
  SkipForward,
  TimerOff,
  TriangleExclamationPoint,
  type LucideIcon,
} from "lucide-react";
import { STATUS_TABLE, type Status, type StatusIconName } from "@/lib/engine/statuses";
import { cn } from "@/components/ui/cn";

/** lucide components for the status table's icon names (the table stays free of React). */
const ICONS: Record<StatusIconName, LucideIcon> = {
  Circle,
  Clock,
  LoaderCircle,
  Hourglass,
  RotateCw,
  Pause,
  CircleCheck,
  CircleX,
  TimerOff,
  TriangleExclamationPoint,
  Ban,
  SkipForward,
};

export function statusInfo(status: string) {
  return STATUS_TABLE[status as Status] ?? STATUS_TABLE.PENDING;
}

export function StatusIcon({ status, className }: { status: string; className?: string }) {
  const info = statusInfo(status);
  const Icon = ICONS[info.icon];
  return <Icon className={cn("size-3.5 shrink-0", info.colors.text, info.animated && "animate-spin", className)} aria-hidden />;
}

/** Color, icon and label together: never color alone. */
export function StatusBadge({ status, detail, className }: { status: string; detail?: string; className?: string }) {
  const info = statusInfo(status);
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ring-black/5 dark:ring-white/10",
        info.colors.soft,
        info.colors.text,
        "dark:bg-zinc-800",
        className,
      )}
      data-status={status}
      title={info.description}
    >
      <StatusIcon status={status} />
      {info.label}
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
          {statusInfo(status).label}
        </li>
      ))}
    </ul>
  );
}
