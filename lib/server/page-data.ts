import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { ServiceError } from "@/lib/services/errors";
import { getWorkflow, getWorkflowVersions, referenceWarnings } from "@/lib/services/workflows";

/**
 * For workflow pages: the version named by `?version=N` (the latest without one, or when N is not a
 * positive integer), every version of it, the latest version number, and the version's warnings
 * (referenceWarnings). Unknown → the 404 page.
 */
export async function loadWorkflowPageData(encodedName: string, requestedVersion: string | undefined) {
  await ensureReady();
  const name = decodeURIComponent(encodedName);
  const version = requestedVersion && /^[1-9][0-9]*$/.test(requestedVersion) ? Number(requestedVersion) : undefined;
  const db = getDb();
  try {
    const [workflow, versions] = await Promise.all([getWorkflow(db, name, version), getWorkflowVersions(db, name)]);
    // What a save would warn about (a sub-workflow that does not exist), for the designer to list.
    const warnings = await referenceWarnings(db, workflow.definition);
    return { name, workflow, versions, latest: versions[0]!.version, warnings };
  } catch (error) {
    if (error instanceof ServiceError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
