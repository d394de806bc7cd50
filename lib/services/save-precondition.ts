/**
 * What a save of a workflow is based on, so that it never overwrites work it has not seen:
 *
 * - `create`: the workflow must not exist yet (the designer's "new workflow"; HTTP `baseVersion=0`
 *   or `If-None-Match: *`). An existing name is refused with 409 naming it and linking to it.
 * - `baseVersion: N`: the save was made from version N; if the latest version is another one, the
 *   save is refused with 409 carrying both versions (the designer shows their semantic diff).
 * - `ifMatch`: the same with the checksum of the content the save was made from (HTTP `If-Match`,
 *   the ETag of GET /api/workflows/{name}); `*` only asks that the workflow exists.
 * - nothing: saved as the next version, as scripts have always done.
 *
 * A save whose content equals the latest version's is never a conflict (nothing would change).
 */
import { z } from "zod";
import { ServiceError, type ErrorDetail } from "@/lib/services/errors";
import type { WorkflowDefinition } from "@/lib/workflow";

/** The precondition of a save, as the designer's server action receives it. */
export const savePreconditionSchema = z.union([
  z.strictObject({ create: z.literal(true) }),
  z.strictObject({ baseVersion: z.number().int().min(1) }),
  z.strictObject({ ifMatch: z.string().regex(/^(\*|[0-9a-f]{64})$/, { error: "must be * or a checksum" }) }),
  z.strictObject({}),
]);
export type SavePrecondition = z.infer<typeof savePreconditionSchema>;

/** A stored version, as a conflict reports it (the API's WorkflowVersionView). */
export type ConflictVersion = {
  name: string;
  version: number;
  checksum: string;
  taskCount: number;
  createdAt: string;
  createdBy: string | null;
  definition: WorkflowDefinition;
};

/**
 * Why a save was refused: `exists` (create, but the name is taken) or `stale` (based on a version
 * that is no longer the latest). `base` is the version the save was based on, when it is stored.
 */
export type SaveConflict = {
  kind: "exists" | "stale";
  workflow: string;
  /** Where the stored workflow opens in the designer. */
  href: string;
  base: ConflictVersion | null;
  latest: ConflictVersion | null;
};

/** A 409 CONFLICT that carries the versions involved (the API answers them as `error.conflict`). */
export class SaveConflictError extends ServiceError {
  readonly conflict: SaveConflict;

  constructor(message: string, conflict: SaveConflict, details: ErrorDetail[]) {
    super("CONFLICT", message, details);
    this.conflict = conflict;
  }
}

export const editHref = (name: string) => `/workflows/${encodeURIComponent(name)}/edit`;

const tasks = (count: number) => `${count} task${count === 1 ? "" : "s"}`;

/**
 * Checks `precondition` against the latest stored version (null: the workflow does not exist) and
 * throws SaveConflictError when the save must not happen. `findBase` reads the version the save
 * was based on, for the conflict's `base`.
 */
export async function checkSavePrecondition(
  name: string,
  precondition: SavePrecondition,
  latest: ConflictVersion | null,
  checksum: string,
  findBase: (by: { version: number } | { checksum: string }) => Promise<ConflictVersion | null>,
): Promise<void> {
  if (latest && latest.checksum === checksum) return; // nothing would change
  const href = editHref(name);
  if ("create" in precondition) {
    if (!latest) return;
    throw new SaveConflictError(
      `workflow '${name}' already exists (v${latest.version}, ${tasks(latest.taskCount)}); open ${href} to change it, or choose another name`,
      { kind: "exists", workflow: name, href, base: null, latest },
      [{ path: "name", message: `a workflow named '${name}' already exists (v${latest.version}); creating it again would overwrite it` }],
    );
  }
  if ("baseVersion" in precondition) {
    const { baseVersion } = precondition;
    if (latest?.version === baseVersion) return;
    throw stale(name, href, latest, await findBase({ version: baseVersion }), `v${baseVersion}`);
  }
  if ("ifMatch" in precondition) {
    const wanted = precondition.ifMatch;
    if (latest && (wanted === "*" || wanted === latest.checksum)) return;
    throw stale(name, href, latest, wanted === "*" ? null : await findBase({ checksum: wanted }), wanted === "*" ? "any version" : `checksum ${wanted.slice(0, 12)}…`);
  }
}

function stale(name: string, href: string, latest: ConflictVersion | null, base: ConflictVersion | null, basedOn: string): SaveConflictError {
  const message = latest
    ? `workflow '${name}' changed since ${basedOn}: the latest version is v${latest.version} (by ${latest.createdBy ?? "unknown"}); nothing was saved — merge with it or save again based on v${latest.version}`
    : `workflow '${name}' does not exist, but the save was based on ${basedOn}; nothing was saved`;
  return new SaveConflictError(message, { kind: "stale", workflow: name, href, base, latest }, [
    { path: "", message: latest ? `based on ${basedOn}, but the latest version is v${latest.version}` : `based on ${basedOn}, which is not stored` },
  ]);
}
