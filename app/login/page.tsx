import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { CredentialsForm } from "@/components/auth/credentials-form";
import { getDb } from "@/lib/db/client";
import { hasAnyUser } from "@/lib/auth/users";
import { currentPrincipal } from "@/lib/server/page-auth";
import { safeNext } from "@/lib/server/safe-next";
import { loginAction } from "@/app/login/actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ next?: string | string[] }> };

export default async function LoginPage({ searchParams }: Props) {
  const next = safeNext((await searchParams).next);
  if (await currentPrincipal()) redirect(next);
  if (!(await hasAnyUser(getDb()))) redirect("/setup");
  return (
    <AuthCard title="Sign in" description="Use the account an admin created for you.">
      <CredentialsForm submit={loginAction} next={next} cta="Sign in" />
    </AuthCard>
  );
}
