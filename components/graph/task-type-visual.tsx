import {
  Braces,
  Cpu,
  Globe,
  GitBranch,
  OctagonX,
  Repeat,
  Terminal,
  Timer,
  UserCheck,
  Workflow,
  type LucideIcon,
} from "lucide-react";
import type { TaskType } from "@/lib/workflow";

/**
 * How each task type looks on a card: its icon and a muted stripe color. Color is decoration
 * here (the type is also written on the card); status colors are reserved for the monitor.
 */
export const TASK_TYPE_VISUAL: Record<TaskType, { icon: LucideIcon; stripe: string; stripeBorder: string; iconTone: string }> = {
  http: { icon: Globe, stripe: "bg-sky-400", stripeBorder: "border-l-sky-400", iconTone: "text-sky-600 bg-sky-50 dark:bg-sky-500/10 dark:text-sky-300" },
  transform: { icon: Braces, stripe: "bg-indigo-400", stripeBorder: "border-l-indigo-400", iconTone: "text-indigo-600 bg-indigo-50 dark:bg-indigo-500/10 dark:text-indigo-300" },
  worker: { icon: Cpu, stripe: "bg-teal-400", stripeBorder: "border-l-teal-400", iconTone: "text-teal-600 bg-teal-50 dark:bg-teal-500/10 dark:text-teal-300" },
  wait: { icon: Timer, stripe: "bg-violet-400", stripeBorder: "border-l-violet-400", iconTone: "text-violet-600 bg-violet-50 dark:bg-violet-500/10 dark:text-violet-300" },
  approval: { icon: UserCheck, stripe: "bg-fuchsia-400", stripeBorder: "border-l-fuchsia-400", iconTone: "text-fuchsia-600 bg-fuchsia-50 dark:bg-fuchsia-500/10 dark:text-fuchsia-300" },
  switch: { icon: GitBranch, stripe: "bg-amber-400", stripeBorder: "border-l-amber-400", iconTone: "text-amber-700 bg-amber-50 dark:bg-amber-500/10 dark:text-amber-300" },
  map: { icon: Repeat, stripe: "bg-cyan-400", stripeBorder: "border-l-cyan-400", iconTone: "text-cyan-700 bg-cyan-50 dark:bg-cyan-500/10 dark:text-cyan-300" },
  subworkflow: { icon: Workflow, stripe: "bg-blue-400", stripeBorder: "border-l-blue-400", iconTone: "text-blue-600 bg-blue-50 dark:bg-blue-500/10 dark:text-blue-300" },
  terminate: { icon: OctagonX, stripe: "bg-rose-400", stripeBorder: "border-l-rose-400", iconTone: "text-rose-600 bg-rose-50 dark:bg-rose-500/10 dark:text-rose-300" },
  shell: { icon: Terminal, stripe: "bg-zinc-400", stripeBorder: "border-l-zinc-400", iconTone: "text-zinc-700 bg-zinc-100 dark:bg-zinc-500/10 dark:text-zinc-300" },
};
