"use client";

import { UserPlus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition, type FormEvent } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { FIELD, Section, TD, TH, when } from "@/components/settings/section";
import { createUserAction, updateUserAction } from "@/app/settings/actions";
import type { ActionResult } from "@/lib/http/action";
import type { UserView } from "@/lib/auth/users";
import { ROLE_DESCRIPTIONS, USER_ROLES } from "@/lib/auth/roles";

function report<T>(result: ActionResult<T>, success: string) {
  if (result.ok) toast.success(success);
  else toast.error(result.error.message, { description: result.error.details.map((d) => `${d.path}: ${d.message}`).join("\n") || undefined });
}

/** Users: invite with a first password and a role, change roles, disable. The server keeps the last admin. */
export function UsersPanel({ users, self }: { users: UserView[]; self: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    const input = { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), role: String(form.get("role")) };
    startTransition(async () => {
      const result = await createUserAction(input);
      report(result, `Added ${input.email}`);
      if (result.ok) target.reset();
      router.refresh();
    });
  };
  const update = (user: UserView, change: { role?: string; disabled?: boolean }, success: string) =>
    startTransition(async () => {
      report(await updateUserAction(user.id, change), success);
      router.refresh();
    });
  return (
    <Section title="Users" description={<>Roles: {USER_ROLES.map((r) => `${r} ${ROLE_DESCRIPTIONS[r]}`).join("; ")}.</>}>
      <form onSubmit={create} className="flex flex-wrap items-end gap-3" aria-label="Add a user">
        <label className="flex flex-col gap-1 text-xs font-medium">
          Email
          <input name="email" type="email" required className={`${FIELD} w-56`} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium">
          First password
          <input name="password" type="password" required minLength={12} autoComplete="new-password" className={`${FIELD} w-48`} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium">
          Role
          <select name="role" defaultValue="viewer" className={FIELD}>
            {USER_ROLES.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </select>
        </label>
        <Button type="submit" variant="primary" disabled={pending}>
          <UserPlus className="size-4" aria-hidden /> Add user
        </Button>
      </form>
      <table className="w-full text-sm">
        <thead className="border-b border-zinc-200 dark:border-zinc-800">
          <tr>
            <th className={TH}>User</th>
            <th className={TH}>Role</th>
            <th className={TH}>Last sign-in</th>
            <th className={TH}>Added</th>
            <th className={TH}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800" data-testid={`user-${user.email}`}>
              <td className={TD}>
                <div className="font-medium">{user.email}</div>
                {user.disabled ? <div className="text-xs text-red-700 dark:text-red-300">disabled</div> : null}
              </td>
              <td className={TD}>
                <select
                  aria-label={`Role of ${user.email}`}
                  value={user.role}
                  disabled={pending}
                  onChange={(e) => update(user, { role: e.target.value }, `${user.email} is now ${e.target.value}`)}
                  className={FIELD}
                >
                  {USER_ROLES.map((role) => (
                    <option key={role}>{role}</option>
                  ))}
                </select>
              </td>
              <td className={TD}>{when(user.lastLoginAt)}</td>
              <td className={TD} title={user.createdBy ?? undefined}>
                {when(user.createdAt)}
              </td>
              <td className={`${TD} text-right`}>
                {user.id === self ? (
                  <span className="text-xs text-zinc-500">you</span>
                ) : (
                  <Button onClick={() => update(user, { disabled: !user.disabled }, user.disabled ? `Enabled ${user.email}` : `Disabled ${user.email}`)} disabled={pending}>
                    {user.disabled ? "Enable" : "Disable"}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
