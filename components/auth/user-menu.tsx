"use client";

import { LogOut } from "lucide-react";
import { useTransition } from "react";
import { logoutAction } from "@/app/login/actions";
import type { Viewer } from "@/lib/auth/principal";

/** The signed-in user at the foot of the sidebar: who, which role, and sign out. */
export function UserMenu({ viewer }: { viewer: Viewer }) {
  const [pending, startTransition] = useTransition();
  // The action deletes the session and redirects to /login; changing a cookie re-renders the layout.
  const signOut = () => startTransition(() => logoutAction());
  return (
    <div className="flex items-center gap-2 rounded-md px-2 py-2" aria-label="Signed in">
      <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-zinc-200 text-xs font-semibold text-zinc-700 uppercase dark:bg-zinc-700 dark:text-zinc-100" aria-hidden>
        {(viewer.name ?? viewer.email).slice(0, 1)}
      </span>
      <div className="min-w-0 flex-1">
        <div className="truncate text-xs font-medium text-zinc-800 dark:text-zinc-100" title={viewer.email}>
          {viewer.name ?? viewer.email}
        </div>
        <div className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="viewer-role">
          {viewer.role}
        </div>
      </div>
      <button
        type="button"
        onClick={signOut}
        disabled={pending}
        title="Sign out"
        aria-label="Sign out"
        className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-accent-500 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <LogOut className="size-4" aria-hidden />
      </button>
    </div>
  );
}
