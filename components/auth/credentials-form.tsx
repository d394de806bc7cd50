"use client";

import { useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, INPUT } from "@/components/auth/auth-card";
import type { ActionResult } from "@/lib/http/action";

type Submit = (input: { email: string; password: string; name?: string }) => Promise<ActionResult<{ email: string }>>;

/**
 * The sign-in form, and with `withName` + `newPassword` the setup form. On success the browser
 * loads `next` afresh (a full navigation, so every server-rendered part sees the new session).
 */
export function CredentialsForm({ submit, next, cta, newPassword = false, withName = false }: { submit: Submit; next: string; cta: string; newPassword?: boolean; withName?: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), ...(withName ? { name: String(form.get("name") ?? "") || undefined } : {}) };
    if (newPassword && input.password !== String(form.get("confirm") ?? "")) {
      setError("the two passwords differ");
      return;
    }
    setError(null);
    startTransition(async () => {
      const result = await submit(input);
      if (result.ok) window.location.assign(next);
      else setError(result.error.details[0]?.message && result.error.code === "VALIDATION_FAILED" ? `${result.error.details[0].path}: ${result.error.details[0].message}` : result.error.message);
    });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      {withName ? (
        <Field label="Name">
          <input name="name" autoComplete="name" className={INPUT} />
        </Field>
      ) : null}
      <Field label="Email">
        <input name="email" type="email" required autoComplete={newPassword ? "username" : "email"} autoFocus className={INPUT} />
      </Field>
      <Field label="Password" hint={newPassword ? "At least 12 characters." : undefined}>
        <input name="password" type="password" required autoComplete={newPassword ? "new-password" : "current-password"} className={INPUT} />
      </Field>
      {newPassword ? (
        <Field label="Repeat the password">
          <input name="confirm" type="password" required autoComplete="new-password" className={INPUT} />
        </Field>
      ) : null}
      <FormError message={error} />
      <Button type="submit" variant="primary" className="h-9 justify-center" disabled={pending}>
        {pending ? "…" : cta}
      </Button>
    </form>
  );
}
