"use client";

import { useState, useSyncExternalStore, useTransition } from "react";
import { Copy, Eye, KeyRound } from "lucide-react";
import { toast } from "sonner";
import { triggerAction } from "@/app/triggers/actions";
import { Button } from "@/components/ui/button";

/** The curl example of a webhook: the body signed with the secret (HMAC-SHA256, as GitHub signs). */
export function curlExample(url: string, secret: string): string {
  return [
    `BODY='{"ref":"main"}'`,
    `SIG="sha256=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac '${secret}' | sed 's/^.* //')"`,
    `curl -X POST '${url}' -H 'Content-Type: application/json' -H "X-Flowdeck-Signature-256: $SIG" -d "$BODY"`,
  ].join("\n");
}

const noChange = () => () => {};

/** Copies a text to the clipboard and says so (or that it could not). */
export function copyText(text: string, what: string) {
  void navigator.clipboard?.writeText(text).then(
    () => toast.success(`${what} copied`),
    () => toast.error(`could not copy the ${what.toLowerCase()}`),
  );
}

/** URL, secret (shown on request, rotated by designers) and a copyable curl example. */
export function WebhookDetails({ workflow, triggerKey, hookPath, canOperate, canRotate }: { workflow: string; triggerKey: string; hookPath: string; canOperate: boolean; canRotate: boolean }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // The origin is known only in the browser: set after hydration (the server renders the path).
  const origin = useSyncExternalStore(noChange, () => window.location.origin, () => "");
  const url = `${origin}${hookPath}`;
  const act = (action: "secret" | "rotate") =>
    startTransition(async () => {
      const result = await triggerAction(workflow, triggerKey, action);
      if (!result.ok) return void toast.error(result.error.message);
      setSecret(result.value.secret ?? null);
      if (action === "rotate") toast.success("New secret: the old one no longer works");
    });
  return (
    <div className="flex flex-col gap-2 text-xs" aria-label={`Webhook ${triggerKey}`}>
      <div className="flex items-center gap-2">
        <code className="truncate font-mono" data-testid="hook-url">POST {url}</code>
        <Button variant="ghost" className="h-6 px-1.5" onClick={() => copyText(url, "URL")} aria-label="Copy URL">
          <Copy className="size-3.5" aria-hidden />
        </Button>
      </div>
      {canOperate ? (
        <div className="flex flex-wrap items-center gap-2">
          {secret ? (
            <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono dark:bg-zinc-800" data-testid="hook-secret">{secret}</code>
          ) : (
            <Button className="h-7" disabled={pending} onClick={() => act("secret")}>
              <Eye className="size-3.5" aria-hidden /> Show secret
            </Button>
          )}
          {canRotate ? (
            <Button className="h-7" variant="dangerOutline" disabled={pending} onClick={() => act("rotate")}>
              <KeyRound className="size-3.5" aria-hidden /> Rotate secret
            </Button>
          ) : null}
        </div>
      ) : null}
      {secret ? (
        <div className="flex items-start gap-2">
          <pre className="max-w-full overflow-auto rounded bg-zinc-50 p-2 font-mono dark:bg-zinc-800/60" data-testid="hook-curl">{curlExample(url, secret)}</pre>
          <Button variant="ghost" className="h-6 px-1.5" onClick={() => copyText(curlExample(url, secret), "curl example")} aria-label="Copy curl example">
            <Copy className="size-3.5" aria-hidden />
          </Button>
        </div>
      ) : null}
    </div>
  );
}
