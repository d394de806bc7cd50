import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell";
import { Forbidden } from "@/components/forbidden";
import { SecretsPanel } from "@/components/settings/secrets-panel";
import { TokensPanel } from "@/components/settings/tokens-panel";
import { UsersPanel } from "@/components/settings/users-panel";
import { getDb } from "@/lib/db/client";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { listUsers } from "@/lib/auth/users";
import { listSecrets, secretsKeyStatus } from "@/lib/secrets/service";
import { requirePage } from "@/lib/server/page-auth";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const access = await requirePage("admin", "/settings");
  if (!access.allowed) return <Forbidden needs={access.needs} role={access.principal.role} />;
  const db = getDb();
  const [tokens, users, secrets] = await Promise.all([listApiTokens(db), listUsers(db), listSecrets(db)]);
  return (
    <>
      <PageHeader title="Settings" description="Who may do what: users and their roles, API tokens for scripts, CI, the CLI and workers, and the secrets tasks use." />
      <div className="flex max-w-5xl flex-col gap-8 p-8">
        <UsersPanel users={users} self={access.principal.userId} />
        <TokensPanel tokens={tokens} />
        <SecretsPanel secrets={secrets} keyStatus={secretsKeyStatus()} />
      </div>
    </>
  );
}
