"use client";

import { Copy, KeyRound } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FIELD, Section, TD, TH, when } from "@/components/settings/section";
import { createTokenAction, revokeTokenAction } from "@/app/settings/actions";
import type { TokenView } from "@/lib/auth/api-tokens";
import { ROLE_DESCRIPTIONS, TOKEN_ROLES } from "@/lib/auth/roles";

/** API tokens: create (the secret is shown once), list, revoke. */
export function TokensPanel({ tokens }: { tokens: TokenView[] }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const days = Number(form.get("days") || 0);
    const input = { name: String(form.get("name") ?? ""), role: String(form.get("role")), ...(days > 0 ? { expiresInDays: days } : {}) };
    const target = event.currentTarget;
    startTransition(async () => {
      const result = await createTokenAction(input);
      if (!result.ok) {
        toast.error("Token not created", { description: result.error.details[0] ? `${result.error.details[0].path}: ${result.error.details[0].message}` : result.error.message });
        return;
      }
      setCreated({ name: result.value.name, token: result.value.token });
      target.reset();
      router.refresh();
    });
  };
  const revoke = (token: TokenView) =>
    startTransition(async () => {
      const result = await revokeTokenAction(token.id);
      if (result.ok) toast.success(`Revoked ${token.name}`);
      else toast.error(result.error.message);
      router.refresh();
    });
  return (
    <Section title="API tokens" description="For scripts, CI, the CLI (FLOWDECK_TOKEN) and workers: send Authorization: Bearer <token>. Only a hash is stored.">
      <form onSubmit={create} className="flex flex-wrap items-end gap-3" aria-label="Create a token">
        <label className="flex flex-col gap-1 text-xs font-medium">
          Name
          <input name="name" required maxLength={100} placeholder="ci-deploy" className={`${FIELD} w-48`} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium">
          Role
          <select name="role" defaultValue="operator" className={FIELD}>
            {TOKEN_ROLES.map((role) => (
              <option key={role} value={role} title={ROLE_DESCRIPTIONS[role]}>
                {role}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium">
          Expires after (days)
          <input name="days" type="number" min={1} max={3650} placeholder="never" className={`${FIELD} w-32`} />
        </label>
        <Button type="submit" variant="primary" disabled={pending}>
          <KeyRound className="size-4" aria-hidden /> Create token
        </Button>
      </form>
      {created ? (
        <div role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 p-3 text-sm dark:border-emerald-900/60 dark:bg-emerald-950/30">
          <p className="font-medium">Token “{created.name}” created. Copy it now: it is not shown again.</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="new-token" className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900">
              {created.token}
            </code>
            <Button onClick={() => void navigator.clipboard?.writeText(created.token).then(() => toast.success("Copied"))}>
              <Copy className="size-4" aria-hidden /> Copy
            </Button>
          </div>
        </div>
      ) : null}
      <table className="w-full text-sm">
        <thead className="border-b border-zinc-200 dark:border-zinc-800">
          <tr>
            <th className={TH}>Name</th>
            <th className={TH}>Role</th>
            <th className={TH}>Token</th>
            <th className={TH}>Created</th>
            <th className={TH}>Last used</th>
            <th className={TH}>Expires</th>
            <th className={TH}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.length === 0 ? (
            <tr>
              <td colSpan={7} className={`${TD} text-zinc-500`}>
                No tokens yet.
              </td>
            </tr>
          ) : null}
          {tokens.map((token) => (
            <tr key={token.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800" data-testid={`token-${token.name}`}>
              <td className={`${TD} font-medium`}>{token.name}</td>
              <td className={TD}>
                <Badge tone="outline">{token.role}</Badge>
              </td>
              <td className={`${TD} font-mono text-xs`}>{token.prefix}…</td>
              <td className={TD} title={token.createdBy ?? undefined}>
                {when(token.createdAt)}
              </td>
              <td className={TD}>{when(token.lastUsedAt)}</td>
              <td className={TD}>{when(token.expiresAt)}</td>
              <td className={`${TD} text-right`}>
                {token.revokedAt ? (
                  <Badge>revoked {when(token.revokedAt)}</Badge>
                ) : (
                  <Button onClick={() => revoke(token)} disabled={pending} className="text-red-700 dark:text-red-300">
                    Revoke
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
