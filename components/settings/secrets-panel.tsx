"use client";

import { KeyRound, LockKeyhole, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FIELD, Section, TD, TH, when } from "@/components/settings/section";
import { deleteSecretAction, setSecretAction } from "@/app/settings/actions";
import type { ActionResult } from "@/lib/http/action";
import type { SecretsKeyStatus, SecretView } from "@/lib/secrets/service";

const NAME_PATTERN = "[A-Z_][A-Z0-9_]{0,63}";

function failed<T>(result: ActionResult<T>, title: string): boolean {
  if (result.ok) return false;
  const detail = result.error.details.map((d) => `${d.path}: ${d.message}`).join("\n");
  toast.error(title, { description: detail || result.error.message });
  return true;
}

/** The write-only value field: a password input the browser neither fills nor offers to save. */
function ValueInput({ label, autoFocus }: { label: string; autoFocus?: boolean }) {
  return (
    <input
      name="value"
      type="password"
      required
      aria-label={label}
      autoComplete="new-password"
      spellCheck={false}
      data-1p-ignore
      data-lpignore="true"
      autoFocus={autoFocus}
      placeholder="value (write-only)"
      className={`${FIELD} w-64 font-mono`}
    />
  );
}

/**
 * Secrets: add, replace, delete. Values are write-only: sent once in the save, never returned,
 * and the field is cleared as soon as the save is done.
 */
export function SecretsPanel({ secrets, keyStatus }: { secrets: SecretView[]; keyStatus: SecretsKeyStatus }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const save = (name: string, value: string, form: HTMLFormElement, onDone?: () => void) =>
    startTransition(async () => {
      const result = await setSecretAction(name, value);
      form.reset(); // the value leaves the page whatever the answer
      if (failed(result, `Secret ${name} not saved`) || !result.ok) return;
      toast.success(result.value.created ? `Added secret ${name}` : `Replaced the value of ${name}`);
      onDone?.();
      router.refresh();
    });
  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    save(String(form.get("name") ?? "").trim(), String(form.get("value") ?? ""), event.currentTarget);
  };
  return (
    <Section
      title="Secrets"
      description={
        <>
          Credentials tasks read by name: <code className="font-mono text-xs">{"{% $secrets.NAME %}"}</code> in an http task&rsquo;s url, headers, query or body, or a shell
          task&rsquo;s env. Encrypted at rest; values are write-only and never shown again, and are masked in everything a task stores.
        </>
      }
    >
      <p className="text-xs text-zinc-600 dark:text-zinc-300" data-testid="secrets-key">
        <LockKeyhole className="mr-1.5 inline size-3.5 align-[-2px]" aria-hidden />
        {keyStatus.ok ? (
          <>
            Encrypted with key <code className="font-mono">{keyStatus.keyId}</code> from <code className="break-all font-mono">{keyStatus.source}</code>. Every engine process
            that runs tasks reading secrets needs this same key (FLOWDECK_SECRETS_KEY).
          </>
        ) : (
          <span className="text-amber-700 dark:text-amber-300">{keyStatus.problem}</span>
        )}
      </p>
      <form onSubmit={add} className="flex flex-wrap items-end gap-3" aria-label="Add a secret" autoComplete="off">
        <label className="flex flex-col gap-1 text-xs font-medium">
          Name
          <input
            name="name"
            required
            pattern={NAME_PATTERN}
            maxLength={64}
            placeholder="GITHUB_TOKEN"
            title="A–Z, 0–9 and _, starting with a letter or _"
            spellCheck={false}
            autoComplete="off"
            onInput={(event) => (event.currentTarget.value = event.currentTarget.value.toUpperCase())}
            className={`${FIELD} w-56 font-mono`}
          />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium">
          Value
          <ValueInput label="Value" />
        </label>
        <Button type="submit" variant="primary" disabled={pending}>
          <KeyRound className="size-4" aria-hidden /> Save secret
        </Button>
      </form>
      <table className="w-full text-sm">
        <thead className="border-b border-zinc-200 dark:border-zinc-800">
          <tr>
            <th className={TH}>Name</th>
            <th className={TH}>Value</th>
            <th className={TH}>Updated</th>
            <th className={TH}>Created</th>
            <th className={TH}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {secrets.length === 0 ? (
            <tr>
              <td colSpan={5} className={`${TD} text-zinc-500`}>
                No secrets yet.
              </td>
            </tr>
          ) : null}
          {secrets.map((secret) => (
            <SecretRow key={secret.name} secret={secret} currentKeyId={keyStatus.ok ? keyStatus.keyId : null} pending={pending} save={save} startTransition={startTransition} />
          ))}
        </tbody>
      </table>
    </Section>
  );
}

type RowProps = {
  secret: SecretView;
  currentKeyId: string | null;
  pending: boolean;
  save: (name: string, value: string, form: HTMLFormElement, onDone?: () => void) => void;
  startTransition: (action: () => Promise<void>) => void;
};

/** One secret: its name, a masked placeholder for the value, who changed it, replace and delete. */
function SecretRow({ secret, currentKeyId, pending, save, startTransition }: RowProps) {
  const router = useRouter();
  const [mode, setMode] = useState<"view" | "replace" | "delete">("view");
  const replace = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save(secret.name, String(new FormData(event.currentTarget).get("value") ?? ""), event.currentTarget, () => setMode("view"));
  };
  const remove = () =>
    startTransition(async () => {
      const result = await deleteSecretAction(secret.name);
      if (failed(result, `Secret ${secret.name} not deleted`)) return;
      toast.success(`Deleted secret ${secret.name}`);
      router.refresh();
    });
  const otherKey = currentKeyId !== null && secret.keyId !== currentKeyId;
  return (
    <tr className="border-b border-zinc-100 last:border-0 dark:border-zinc-800" data-testid={`secret-${secret.name}`}>
      <td className={`${TD} font-mono text-xs font-medium`}>{secret.name}</td>
      <td className={TD}>
        {mode === "replace" ? (
          <form onSubmit={replace} className="flex items-center gap-2" aria-label={`Replace ${secret.name}`} autoComplete="off">
            <ValueInput label={`New value of ${secret.name}`} autoFocus />
            <Button type="submit" variant="primary" disabled={pending}>
              Save
            </Button>
            <Button type="button" variant="ghost" onClick={() => setMode("view")}>
              Cancel
            </Button>
          </form>
        ) : (
          <span className="flex items-center gap-2">
            <span className="font-mono text-xs tracking-widest text-zinc-500 dark:text-zinc-400" aria-label="hidden value">
              ••••••••
            </span>
            {otherKey ? (
              <Badge className="text-amber-800 dark:text-amber-200" tone="outline">
                encrypted with key {secret.keyId}: replace it to use it here
              </Badge>
            ) : null}
          </span>
        )}
      </td>
      <td className={TD} title={secret.updatedBy ?? undefined}>
        {when(secret.updatedAt)}
        {secret.updatedBy ? <div className="text-xs text-zinc-500">{secret.updatedBy}</div> : null}
      </td>
      <td className={TD} title={secret.createdBy ?? undefined}>
        {when(secret.createdAt)}
      </td>
      <td className={`${TD} whitespace-nowrap text-right`}>
        {mode === "delete" ? (
          <span className="inline-flex items-center gap-2">
            <span className="text-xs text-zinc-600 dark:text-zinc-300">Tasks reading it will fail.</span>
            <Button onClick={remove} disabled={pending} className="text-red-700 dark:text-red-300">
              Delete {secret.name}
            </Button>
            <Button variant="ghost" onClick={() => setMode("view")}>
              Cancel
            </Button>
          </span>
        ) : mode === "view" ? (
          <span className="inline-flex items-center gap-2">
            <Button onClick={() => setMode("replace")} disabled={pending}>
              Replace
            </Button>
            <Button onClick={() => setMode("delete")} disabled={pending} aria-label={`Delete ${secret.name}`} className="text-red-700 dark:text-red-300">
              <Trash2 className="size-4" aria-hidden /> Delete
            </Button>
          </span>
        ) : null}
      </td>
    </tr>
  );
}
