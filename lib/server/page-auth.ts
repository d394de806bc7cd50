// Pages check access on the server, where they read their data: `requirePage(access, path)` at
// the top of every page. Not signed in → /login?next=<path> (or /setup on a fresh server); signed
// in without the role → the page renders <Forbidden> instead of its data.
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { authenticate } from "@/lib/auth/authenticate";
import type { Principal, Viewer } from "@/lib/auth/principal";
import { allows, type UserRole } from "@/lib/auth/roles";
import { hasAnyUser } from "@/lib/auth/users";

/** The signed-in user of this request (one lookup per request, shared by the layout and the page). */
export const currentPrincipal = cache(async (): Promise<Principal | null> => {
  await ensureReady();
  try {
    return await authenticate(getDb(), await headers());
  } catch {
    return null; // a page visit with a bad bearer token is treated as not signed in
  }
});

export async function currentViewer(): Promise<Viewer | null> {
  const principal = await currentPrincipal();
  if (!principal || principal.kind !== "user") return null;
  return { email: principal.email, name: principal.name, role: principal.role };
}

export type PageAccess = { principal: Principal & { kind: "user" }; allowed: boolean; needs: UserRole };

/** The signed-in user, or a redirect to sign in (to set up on a fresh server). */
export async function requirePage(access: UserRole, path: string): Promise<PageAccess> {
  const principal = await currentPrincipal();
  if (!principal || principal.kind !== "user") {
    if (!(await hasAnyUser(getDb()))) redirect("/setup");
    redirect(`/login?next=${encodeURIComponent(path)}`);
  }
  return { principal, allowed: allows(principal.role, access), needs: access };
}
