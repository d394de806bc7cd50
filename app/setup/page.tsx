import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { CredentialsForm } from "@/components/auth/credentials-form";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { hasAnyUser } from "@/lib/auth/users";
import { setupAction } from "@/app/login/actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set up" };

/** First run: creates the first admin account (as n8n's owner setup does); gone once one exists. */
export default async function SetupPage() {
  await ensureReady();
  if (await hasAnyUser(getDb())) redirect("/login");
  return (
    <AuthCard
      title="Set up Flowdeck"
      description="Create the first admin account. It can then invite designers, operators and viewers, and create API tokens."
    >
      <CredentialsForm submit={setupAction} next="/" cta="Create admin account" newPassword withName />
    </AuthCard>
  );
}
