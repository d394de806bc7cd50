import Link from "next/link";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/** `danger`: confirms a destructive action (terminate, reject); `dangerOutline`: offers one. */
type Variant = "primary" | "secondary" | "ghost" | "danger" | "dangerOutline";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-accent-600 text-white shadow-sm hover:bg-accent-700",
  secondary:
    "bg-white text-zinc-800 shadow-sm ring-1 ring-inset ring-zinc-200 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-800",
  ghost: "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
  danger: "bg-red-600 text-white shadow-sm hover:bg-red-700 focus-visible:outline-red-500",
  dangerOutline:
    "bg-white text-red-700 shadow-sm ring-1 ring-inset ring-red-300 hover:bg-red-50 hover:ring-red-400 dark:bg-zinc-900 dark:text-red-400 dark:ring-red-500/50 dark:hover:bg-red-500/10",
};

const BASE =
  "inline-flex h-8 items-center gap-1.5 rounded-md px-3 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500 disabled:pointer-events-none disabled:opacity-50";

export function Button({ variant = "secondary", className, ...props }: ComponentProps<"button"> & { variant?: Variant }) {
  return <button className={cn(BASE, VARIANTS[variant], className)} data-variant={variant} {...props} />;
}

export function ButtonLink({
  href,
  variant = "secondary",
  className,
  children,
  download,
}: {
  href: string;
  variant?: Variant;
  className?: string;
  children: ReactNode;
  download?: boolean;
}) {
  if (download) {
    return (
      <a href={href} download className={cn(BASE, VARIANTS[variant], className)}>
        {children}
      </a>
    );
  }
  return (
    <Link href={href} className={cn(BASE, VARIANTS[variant], className)}>
      {children}
    </Link>
  );
}
