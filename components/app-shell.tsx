"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Activity, BookOpen, LayoutDashboard, Settings, Workflow, Zap, type LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { UserMenu } from "@/components/auth/user-menu";
import { ThemeToggle } from "@/components/theme-toggle";
import { BrandMark } from "@/components/brand-mark";
import type { Viewer } from "@/lib/auth/principal";

const NAV: { href: string; label: string; icon: LucideIcon }[] = [
  { href: "/", label: "Dashboard", icon: LayoutDashboard },
  { href: "/workflows", label: "Workflows", icon: Workflow },
  { href: "/executions", label: "Executions", icon: Activity },
  { href: "/triggers", label: "Triggers", icon: Zap },
  { href: "/api-docs", label: "API", icon: BookOpen },
];

const ADMIN_NAV = [{ href: "/settings", label: "Settings", icon: Settings }];

/** The sidebar and the page; without a signed-in user (sign-in, setup) only the page. */
export function AppShell({ children, version, viewer }: { children: ReactNode; version: string; viewer: Viewer | null }) {
  const pathname = usePathname();
  if (!viewer) return <main id="main" className="min-w-0 flex-1">{children}</main>;
  const nav = viewer.role === "admin" ? [...NAV, ...ADMIN_NAV] : NAV;
  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only rounded-md bg-accent-600 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-[100]"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r border-zinc-200 bg-white px-3 py-4 dark:border-zinc-800 dark:bg-zinc-900">
        <Link href="/" className="mb-6 flex items-center gap-2 px-2">
          <BrandMark />
          <span className="text-[15px] font-semibold tracking-tight">Flowdeck</span>
        </Link>
        <nav aria-label="Main" className="flex flex-col gap-0.5">
          {nav.map(({ href, label, icon: Icon }) => {
            const active = href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
            return (
              <Link
                key={href}
                href={href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm font-medium transition-colors",
                  active
                    ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50"
                    : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100",
                )}
              >
                <Icon className={cn("size-4", active ? "text-accent-600 dark:text-accent-100" : "text-zinc-400")} aria-hidden />
                {label}
              </Link>
            );
          })}
        </nav>
        <div className="mt-auto border-t border-zinc-200 pt-2 dark:border-zinc-800">
          <UserMenu viewer={viewer} />
        </div>
        <div className="flex items-center justify-between gap-2 px-2 text-xs text-zinc-500 dark:text-zinc-400">
          <a href="/api/health" className="hover:text-zinc-600 dark:hover:text-zinc-300">
            v{version} · health
          </a>
          <ThemeToggle />
        </div>
      </aside>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 focus:outline-none">{children}</main>
    </div>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="flex items-start justify-between gap-6 border-b border-zinc-200 bg-white px-8 py-5 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="min-w-0">
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {description ? <div className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{description}</div> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </header>
  );
}
