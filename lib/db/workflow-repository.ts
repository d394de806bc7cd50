import type { Db } from "@/lib/db/client";

/** A stored workflow version as the services see it (definition still as canonical text). */
export type WorkflowDefinitionRow = {
  id: string;
  name: string;
  version: number;
  definition: string;
  checksum: string;
  description: string | null;
  taskCount: number;
  createdAt: Date;
  createdBy: string | null;
  /** The version this one restores ("Restore as new version"), or null. */
  restoredFrom: number | null;
};

/** Transaction client or the root client: both expose the model delegates used here. */
type DbLike = Pick<Db, "workflowDefinition">;

export function findLatestVersion(db: DbLike, name: string): Promise<WorkflowDefinitionRow | null> {
  return db.workflowDefinition.findFirst({ where: { name }, orderBy: { version: "desc" } });
}

export function findVersion(db: DbLike, name: string, version: number): Promise<WorkflowDefinitionRow | null> {
  return db.workflowDefinition.findUnique({ where: { name_version: { name, version } } });
}

/** The newest version of `name` with this content checksum (an If-Match precondition's base). */
export function findVersionByChecksum(db: DbLike, name: string, checksum: string): Promise<WorkflowDefinitionRow | null> {
  return db.workflowDefinition.findFirst({ where: { name, checksum }, orderBy: { version: "desc" } });
}

export function listVersions(db: DbLike, name: string): Promise<Omit<WorkflowDefinitionRow, "definition">[]> {
  return db.workflowDefinition.findMany({
    where: { name },
    orderBy: { version: "desc" },
    select: { id: true, name: true, version: true, checksum: true, description: true, taskCount: true, createdAt: true, createdBy: true, restoredFrom: true },
  });
}

/** The latest version of every workflow, with how many versions each has. */
export async function listLatestVersions(db: DbLike): Promise<(WorkflowDefinitionRow & { versionCount: number })[]> {
  const groups = await db.workflowDefinition.groupBy({ by: ["name"], _max: { version: true }, _count: { _all: true } });
  if (groups.length === 0) return [];
  const rows = await db.workflowDefinition.findMany({
    where: { OR: groups.map((g) => ({ name: g.name, version: g._max.version ?? 0 })) },
    orderBy: { name: "asc" },
  });
  const counts = new Map(groups.map((g) => [g.name, g._count._all]));
  return rows.map((row) => ({ ...row, versionCount: counts.get(row.name) ?? 1 }));
}

/** The name of every stored workflow, sorted; reads no definition text. */
export async function listWorkflowNames(db: DbLike): Promise<string[]> {
  const groups = await db.workflowDefinition.groupBy({ by: ["name"], orderBy: { name: "asc" } });
  return groups.map((group) => group.name);
}

export function insertVersion(db: DbLike, row: WorkflowDefinitionRow): Promise<WorkflowDefinitionRow> {
  return db.workflowDefinition.create({ data: row });
}

/** Whether a workflow (any version, or the given one) is stored; reads no definition text. */
export async function workflowExists(db: DbLike, name: string, version?: number): Promise<boolean> {
  const row = await db.workflowDefinition.findFirst({ where: version === undefined ? { name } : { name, version }, select: { id: true } });
  return row !== null;
}
