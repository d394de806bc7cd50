"use server";

import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { runAction, type ActionResult } from "@/lib/http/action";
import { actorOf } from "@/lib/auth/principal";
import { pauseTrigger, resumeTrigger, revealWebhookSecret, rotateWebhookSecret, runTriggerNow } from "@/lib/triggers/service";

const targetSchema = z.object({ workflow: z.string().min(1).max(100), key: z.string().min(1).max(64) });

/** The Triggers page's actions, with the API's roles (lib/triggers/service.ts): rotate is designer, the rest operator. */
export async function triggerAction(
  workflow: string,
  key: string,
  action: "pause" | "resume" | "run" | "secret" | "rotate",
): Promise<ActionResult<{ executionId?: string; secret?: string }>> {
  return runAction(`trigger ${action}`, action === "rotate" ? "designer" : "operator", async (principal) => {
    const target = targetSchema.parse({ workflow, key });
    const db = getDb();
    const actor = actorOf(principal);
    if (action === "pause" || action === "resume") {
      await (action === "pause" ? pauseTrigger : resumeTrigger)(db, target.workflow, target.key, actor);
      return {};
    }
    if (action === "run") return runTriggerNow(db, target.workflow, target.key, actor);
    if (action === "secret") return revealWebhookSecret(db, target.workflow, target.key, actor);
    return { secret: (await rotateWebhookSecret(db, target.workflow, target.key, actor)).secret };
  });
}
