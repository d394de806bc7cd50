/**
 * Saving a version re-plans the runtime state of its triggers (the Trigger rows), in the save's
 * own transaction, without losing any of it: a trigger (same workflow and key) keeps its pause,
 * its last fire, its fire history and its webhook secret; a schedule whose timing did not change
 * keeps its next fire time (a fire due now is not dropped by a save); a changed schedule is planned
 * from now. A trigger the new version no longer has is retired (kept, with its history; it comes
 * back with its secret if a later version has it again).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { canonicalize } from "@/lib/workflow/canonical";
import { planSchedule } from "@/lib/workflow/schedule";
import type { ScheduleTrigger, TriggerDefinition, WorkflowDefinition } from "@/lib/workflow/schema";
import { sealNewSecret } from "./secret";

type SyncDb = Pick<Db, "trigger">;

const TIMING_FIELDS = ["cron", "every", "timezone", "start", "end"] as const;

function timingOf(trigger: TriggerDefinition | undefined): string | null {
  if (!trigger || trigger.type !== "schedule") return null;
  return JSON.stringify(TIMING_FIELDS.map((field) => trigger[field] ?? null));
}

/** The first fire time of a schedule after `now` (null when it has ended). */
export function firstFireAfter(trigger: ScheduleTrigger, now: Date): Date | null {
  return planSchedule(trigger).nextAfter(now);
}

/** The trigger definitions of a stored version, canonical (the spec column). */
function specsOf(definition: WorkflowDefinition): TriggerDefinition[] {
  return canonicalize(definition).triggers ?? [];
}

export async function syncTriggers(
  tx: SyncDb,
  version: { id: string; name: string; version: number },
  definition: WorkflowDefinition,
  now: Date,
): Promise<void> {
  const existing = await tx.trigger.findMany({ where: { workflowName: version.name } });
  const byKey = new Map(existing.map((row) => [row.key, row]));
  const keep = new Set<string>();
  for (const trigger of specsOf(definition)) {
    keep.add(trigger.key);
    const row = byKey.get(trigger.key);
    const spec = JSON.stringify(trigger);
    const enabled = trigger.enabled !== false;
    const previous = row ? (JSON.parse(row.spec) as TriggerDefinition) : undefined;
    const sameTiming = row !== undefined && !row.retiredAt && row.type === trigger.type && timingOf(previous) === timingOf(trigger);
    const nextFireAt = trigger.type !== "schedule" ? null : sameTiming ? row!.nextFireAt : firstFireAfter(trigger, now);
    if (!row) {
      const id = randomUUID();
      const sealed = trigger.type === "webhook" ? sealNewSecret(id) : null;
      await tx.trigger.create({
        data: {
          id,
          workflowName: version.name,
          key: trigger.key,
          type: trigger.type,
          definitionId: version.id,
          definitionVersion: version.version,
          spec,
          enabled,
          nextFireAt,
          // A workflow trigger looks at executions that end from now on.
          cursorAt: trigger.type === "workflow" ? now : null,
          ...(sealed ? { secretCiphertext: sealed.secretCiphertext, secretIv: sealed.secretIv, secretAuthTag: sealed.secretAuthTag, secretKeyId: sealed.secretKeyId, secretRotatedAt: now, secretRotatedBy: "server" } : {}),
        },
      });
      continue;
    }
    const needsSecret = trigger.type === "webhook" && !row.secretCiphertext;
    const sealed = needsSecret ? sealNewSecret(row.id) : null;
    await tx.trigger.update({
      where: { id: row.id },
      data: {
        type: trigger.type,
        definitionId: version.id,
        definitionVersion: version.version,
        spec,
        enabled,
        retiredAt: null,
        nextFireAt,
        ...(trigger.type === "workflow" && (row.type !== "workflow" || row.retiredAt) ? { cursorAt: now } : {}),
        ...(sealed ? { secretCiphertext: sealed.secretCiphertext, secretIv: sealed.secretIv, secretAuthTag: sealed.secretAuthTag, secretKeyId: sealed.secretKeyId, secretRotatedAt: now, secretRotatedBy: "server" } : {}),
      },
    });
  }
  const gone = existing.filter((row) => !keep.has(row.key) && !row.retiredAt).map((row) => row.id);
  if (gone.length > 0) await tx.trigger.updateMany({ where: { id: { in: gone } }, data: { retiredAt: now, nextFireAt: null } });
}

/** A deleted workflow's triggers stop (they are retired, their history kept). */
export async function retireTriggersOf(tx: SyncDb, workflowName: string, now: Date): Promise<void> {
  await tx.trigger.updateMany({ where: { workflowName, retiredAt: null }, data: { retiredAt: now, nextFireAt: null } });
}
