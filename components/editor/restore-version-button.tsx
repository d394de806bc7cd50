"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { History, Loader2 } from "lucide-react";
import { toast } from "sonner";
import { restoreVersionAction } from "@/app/workflows/actions";
import { workflowVersionsKey } from "@/components/editor/use-workflow-versions";
import { Button } from "@/components/ui/button";

/**
 * "Restore as new version", shown on an older version opened read-only: saves this version's
 * definition as the next version (nothing older changes; who did it is recorded) and opens it.
 */
export function RestoreVersionButton({ name, version }: { name: string; version: number }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const restore = async () => {
    setBusy(true);
    const result = await restoreVersionAction(name, version);
    setBusy(false);
    if (!result.ok) {
      toast.error(`v${version} was not restored`, { description: result.error.message });
      return;
    }
    const { created, version: newVersion } = result.value;
    void queryClient.invalidateQueries({ queryKey: workflowVersionsKey(name) });
    if (created) toast.success(`Restored v${version} as v${newVersion}`);
    else toast.info(`v${version} already is the latest content (v${newVersion}); nothing was saved`);
    router.push(`/workflows/${encodeURIComponent(name)}/edit`);
  };
  return (
    <Button variant="primary" className="shrink-0 whitespace-nowrap" onClick={() => void restore()} disabled={busy} title={`Save v${version}'s definition as the next version`}>
      {busy ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <History className="size-4" aria-hidden />} Restore as new version
    </Button>
  );
}
