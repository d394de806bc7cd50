"use client";

import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import type { EditorVersion } from "@/components/editor/versions-menu";

/** The query of a workflow's versions; a save that creates a version invalidates it. */
export const workflowVersionsKey = (name: string | undefined) => ["workflow-versions", name] as const;

/** GET /api/workflows/{name}/versions, read as far as the version menu needs it. */
const versionsResponseSchema = z.object({
  versions: z.array(z.object({ version: z.number(), createdAt: z.string(), createdBy: z.string().nullable(), restoredFrom: z.number().nullable().optional() })),
});

/**
 * The version menu's list: the server's list at open, fetched again after a save creates a version
 * (a new workflow has none until its first save).
 */
export function useWorkflowVersions(savedName: string | undefined, openedName: string | undefined, openedVersions: EditorVersion[]): EditorVersion[] {
  const query = useQuery({
    queryKey: workflowVersionsKey(savedName),
    queryFn: async (): Promise<EditorVersion[]> => {
      const response = await fetch(`/api/workflows/${encodeURIComponent(savedName!)}/versions`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return versionsResponseSchema.parse(await response.json()).versions;
    },
    enabled: savedName !== undefined,
    initialData: savedName !== undefined && savedName === openedName && openedVersions.length > 0 ? openedVersions : undefined,
  });
  return query.data ?? [];
}
