/**
 * How each status looks: label, tooltip sentence, Tailwind classes, lucide icon, motion and
 * outline. The badges, the legend, the live graph and the attempt timeline all read this table, so
 * a status looks the same everywhere. What a status *means* (terminal, successful, failed,
 * retriable) is the engine's: `lib/engine/statuses.ts`.
 *
 * `satisfies Record<Status, StatusLook>` makes a status added to the engine without a row here a
 * compile error.
 *
 * Colors are full literal Tailwind class strings (never built by concatenation) so that Tailwind's
 * source scanner sees them. Icons are lucide components under their canonical names (not
 * deprecated aliases).
 */
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
import type { Status } from "@/lib/engine/statuses";

export interface StatusColors {
  /** Ring around a graph node, e.g. `ring-emerald-500`. */
  ring: string;
  /** Solid fill: legend dots, progress segments, e.g. `bg-emerald-500`. */
  bg: string;
  /** Text and icon color on a light background, e.g. `text-emerald-700`. */
  text: string;
  /** Soft badge background, e.g. `bg-emerald-50`. */
  soft: string;
  /** Border of outlined badges and nodes, e.g. `border-emerald-500`. */
  border: string;
}

export interface StatusLook {
  label: string;
  /** One sentence for tooltips and the legend. */
  description: string;
  colors: StatusColors;
  icon: LucideIcon;
  /** Drawn with motion (spinning icon, animated border): work is happening right now. */
  animated: boolean;
  /** Drawn with a dashed outline: not reached, or passed over. */
  dashed: boolean;
}

// Tailwind must see each class literally: keep every class string written out in full below.
export const STATUS_PALETTE = {
  PENDING: {
    label: "Pending",
    description: "Not reached yet",
    colors: { ring: "ring-slate-300", bg: "bg-slate-300", text: "text-slate-500", soft: "bg-slate-50", border: "border-slate-300" },
    icon: Circle,
    animated: false,
    dashed: true,
  },
  QUEUED: {
    label: "Queued",
    description: "Accepted, waiting for the engine to start it",
    colors: { ring: "ring-sky-400", bg: "bg-sky-400", text: "text-sky-700", soft: "bg-sky-50", border: "border-sky-400" },
    icon: Clock,
    animated: false,
    dashed: false,
  },
  SCHEDULED: {
    label: "Scheduled",
    description: "Ready, waiting for the engine or a worker to pick it up",
    colors: { ring: "ring-sky-400", bg: "bg-sky-400", text: "text-sky-700", soft: "bg-sky-50", border: "border-sky-400" },
    icon: Clock,
    animated: false,
    dashed: false,
  },
  RUNNING: {
    label: "Running",
    description: "Working right now",
    colors: { ring: "ring-blue-500", bg: "bg-blue-500", text: "text-blue-700", soft: "bg-blue-50", border: "border-blue-500" },
    icon: LoaderCircle,
    animated: true,
    dashed: false,
  },
  WAITING: {
    label: "Waiting",
    description: "Waiting for a timer, an approval or a child workflow",
    colors: { ring: "ring-violet-500", bg: "bg-violet-500", text: "text-violet-700", soft: "bg-violet-50", border: "border-violet-500" },
    icon: Hourglass,
    animated: false,
    dashed: false,
  },
  RETRYING: {
    label: "Retrying",
    description: "An attempt failed; the next attempt waits for its backoff",
    colors: { ring: "ring-amber-500", bg: "bg-amber-500", text: "text-amber-700", soft: "bg-amber-50", border: "border-amber-500" },
    icon: RotateCw,
    animated: false,
    dashed: false,
  },
  PAUSED: {
    label: "Paused",
    description: "Running tasks finish; nothing new is scheduled until it is resumed",
    colors: { ring: "ring-yellow-500", bg: "bg-yellow-500", text: "text-yellow-700", soft: "bg-yellow-50", border: "border-yellow-500" },
    icon: Pause,
    animated: false,
    dashed: false,
  },
  COMPLETED: {
    label: "Completed",
    description: "Finished successfully",
    colors: { ring: "ring-emerald-500", bg: "bg-emerald-500", text: "text-emerald-700", soft: "bg-emerald-50", border: "border-emerald-500" },
    icon: CircleCheck,
    animated: false,
    dashed: false,
  },
  FAILED: {
    label: "Failed",
    description: "Failed after its last attempt",
    colors: { ring: "ring-red-600", bg: "bg-red-600", text: "text-red-700", soft: "bg-red-50", border: "border-red-600" },
    icon: CircleX,
    animated: false,
    dashed: false,
  },
  TIMED_OUT: {
    label: "Timed out",
    description: "Ran out of time",
    colors: { ring: "ring-orange-500", bg: "bg-orange-500", text: "text-orange-700", soft: "bg-orange-50", border: "border-orange-500" },
    icon: TimerOff,
    animated: false,
    dashed: false,
  },
  UPSTREAM_FAILED: {
    label: "Upstream failed",
    description: "Not run because a task it depends on failed",
    colors: { ring: "ring-orange-300", bg: "bg-orange-300", text: "text-orange-600", soft: "bg-orange-50", border: "border-orange-300" },
    icon: TriangleExclamationPoint,
    animated: false,
    dashed: false,
  },
  CANCELLED: {
    label: "Cancelled",
    description: "Stopped before it finished",
    colors: { ring: "ring-zinc-500", bg: "bg-zinc-500", text: "text-zinc-600", soft: "bg-zinc-100", border: "border-zinc-500" },
    icon: Ban,
    animated: false,
    dashed: false,
  },
  TERMINATED: {
    label: "Terminated",
    description: "Ended by an operator or a terminate task",
    colors: { ring: "ring-zinc-500", bg: "bg-zinc-500", text: "text-zinc-600", soft: "bg-zinc-100", border: "border-zinc-500" },
    icon: Ban,
    animated: false,
    dashed: false,
  },
  SKIPPED: {
    label: "Skipped",
    description: "Passed over: its condition was false, its branch was not taken, or its upstream was skipped",
    colors: { ring: "ring-slate-400", bg: "bg-slate-400", text: "text-slate-500", soft: "bg-slate-50", border: "border-slate-400" },
    icon: SkipForward,
    animated: false,
    dashed: true,
  },
} as const satisfies Record<Status, StatusLook>;

/** The look of a status read as a string (API bodies carry plain strings); unknown ones look PENDING. */
export function statusLook(status: string): StatusLook {
  return Object.hasOwn(STATUS_PALETTE, status) ? STATUS_PALETTE[status as Status] : STATUS_PALETTE.PENDING;
}
