import { ShieldAlert } from "lucide-react";
import { PageHeader } from "@/components/app-shell";

/** What a signed-in user sees on a page their role does not open (the server sent no data). */
export function Forbidden({ needs, role }: { needs: string; role: string }) {
  return (
    <>
      <PageHeader title="Not allowed" />
      <div className="flex flex-col items-start gap-2 p-8 text-sm text-zinc-600 dark:text-zinc-300" role="alert" data-testid="forbidden">
        <ShieldAlert className="size-6 text-amber-600" aria-hidden />
        <p>
          This page needs the <strong>{needs}</strong> role or higher; you have the <strong>{role}</strong> role.
        </p>
        <p className="text-zinc-500 dark:text-zinc-400">An admin can change your role under Settings → Users.</p>
      </div>
    </>
  );
}
