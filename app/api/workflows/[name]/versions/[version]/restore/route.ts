// POST /api/workflows/{name}/versions/{version}/restore – "Restore as new version": saves that version's
//      definition as the next version, recorded with who did it (createdBy) and what it restores
//      (restoredFrom). 201 with the new version, 200 when it already is the latest content, 404 for
//      an unknown version, 409 when ?baseVersion / If-Match say the caller saw an older latest.   [designer]
import { route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { savePreconditionFrom, versionQuerySchema } from "@/lib/http/params";
import { answerSave } from "@/lib/http/save-answer";
import { getDb } from "@/lib/db/client";
import { restoreWorkflowVersion } from "@/lib/services/workflows";
import { validationFailed } from "@/lib/services/errors";

export const dynamic = "force-dynamic";

export const POST = route<{ name: string; version: string }>("designer", async (request, { name, version }, principal) => {
  const parsed = versionQuerySchema.safeParse(version);
  if (!parsed.success || parsed.data === undefined) {
    throw validationFailed("the version to restore is invalid", [{ path: "version", message: `must be a positive integer; got '${version}'` }]);
  }
  return answerSave(restoreWorkflowVersion(getDb(), name, parsed.data, actorOf(principal), savePreconditionFrom(request)));
});
