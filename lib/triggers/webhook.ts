/**
 * A webhook call: `POST /api/hooks/{workflow}/{key}` (app/api/hooks/[workflow]/[key]/route.ts).
 * Public to the session/token layer, authenticated by the trigger's own secret (secret.ts). In
 * order, each refusal starting nothing: 404 no such webhook trigger; 413 a body over its
 * `maxBodyBytes` (read no further than that); 401 no or a wrong secret; 409 disabled, paused or
 * without a usable secret; 400 a JSON body that does not parse, or an input the template or the
 * input schema refuses (that fire is claimed as FAILED). Then, with an `Idempotency-Key` header,
 * the same key within the trigger's window answers the first execution (`Idempotent-Replayed:
 * true`) instead of starting another: the key is the fire's unique claim.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { fromJsonText } from "@/lib/runtime/json";
import { existingFire, fireTrigger, releaseExpiredFire } from "@/lib/runtime/writes/fire-trigger";
import { ServiceError } from "@/lib/services/errors";
import { waitForExecutionEnd } from "@/lib/services/executions";
import { TRIGGER_DEFAULTS, type WebhookTrigger } from "@/lib/workflow/schema";
import { openTriggerSecret, SIGNATURE_HEADER, TOKEN_HEADER, verifyWebhookCall } from "./secret";
import { prepareFireStart, triggerActor } from "./start";

export const IDEMPOTENCY_HEADER = "idempotency-key";
const MAX_IDEMPOTENCY_KEY = 200;
/** Headers never shown to the template (credentials). */
const HIDDEN_HEADERS = new Set(["authorization", "cookie", SIGNATURE_HEADER, TOKEN_HEADER]);

export type WebhookAnswer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(limit: number): ServiceError {
  return new ServiceError("PAYLOAD_TOO_LARGE", `the webhook body is larger than this trigger accepts (${limit} bytes, maxBodyBytes)`);
}

function parseBody(bytes: Uint8Array, contentType: string | null): unknown {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.trim() === "") return null;
  if (contentType && /json/i.test(contentType)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ServiceError("BAD_REQUEST", `the webhook body is not valid JSON: ${(error as Error).message}`);
    }
  }
  return text;
}

export async function handleWebhook(db: Db, workflow: string, key: string, request: Request): Promise<WebhookAnswer> {
  const row = await db.trigger.findUnique({ where: { workflowName_key: { workflowName: workflow, key } } });
  if (!row || row.type !== "webhook" || row.retiredAt) throw new ServiceError("NOT_FOUND", `workflow '${workflow}' has no webhook trigger '${key}'`);
  const spec = JSON.parse(row.spec) as WebhookTrigger;
  const bytes = await readLimited(request, spec.maxBodyBytes ?? TRIGGER_DEFAULTS.maxBodyBytes);
  const secret = openTriggerSecret(row.id, row);
  if (!secret.ok) throw new ServiceError("CONFLICT", `webhook '${workflow}/${key}' cannot be called: ${secret.problem}`);
  if (!verifyWebhookCall(secret.secret, request.headers, bytes)) {
    throw new ServiceError("UNAUTHORIZED", `missing or wrong webhook secret: send ${SIGNATURE_HEADER}: sha256=<HMAC-SHA256 of the body> or ${TOKEN_HEADER}: <secret>`);
  }
  if (!row.enabled) throw new ServiceError("CONFLICT", `webhook '${workflow}/${key}' is disabled in the definition (enabled: false)`);
  if (row.pausedAt) throw new ServiceError("CONFLICT", `webhook '${workflow}/${key}' is paused (by ${row.pausedBy ?? "an operator"}); resume it to accept calls`);

  const idempotencyKey = request.headers.get(IDEMPOTENCY_HEADER)?.trim();
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
    throw new ServiceError("BAD_REQUEST", `the Idempotency-Key header must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`);
  }
  const windowMs = (spec.idempotencyWindowSeconds ?? TRIGGER_DEFAULTS.idempotencyWindowSeconds) * 1000;
  const fireKey = idempotencyKey ? `idem:${idempotencyKey}` : `request:${randomUUID()}`;
  const now = new Date();
  if (idempotencyKey) {
    const replay = await replayOf(db, row.id, fireKey, now, windowMs);
    if (replay) return replay;
  }

  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!HIDDEN_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  });
  const body = parseBody(bytes, request.headers.get("content-type"));
  const requestId = randomUUID();
  const actor = triggerActor(row);
  const binding = { type: "webhook", key, requestId, body, headers, query: Object.fromEntries(url.searchParams), receivedAt: now.toISOString() };
  const recorded = { requestId, ...(idempotencyKey ? { idempotencyKey } : {}) };
  const fallback = typeof body === "object" && body !== null && !Array.isArray(body) ? body : {};
  const start = await prepareFireStart(db, row, binding, recorded, fallback, actor, now);
  const result = await fireTrigger(db, { triggerId: row.id, fireKey, actor, now, overlap: "allow", start });
  if (result.outcome === "taken") {
    // The same idempotency key, at the same moment: the other call's execution.
    const replay = await replayOf(db, row.id, fireKey, now, windowMs);
    if (replay) return replay;
    throw new ServiceError("CONFLICT", "another call with this Idempotency-Key is being started; try again");
  }
  if (result.outcome === "failed") throw new ServiceError("VALIDATION_FAILED", result.message);
  if (result.outcome !== "started") throw new ServiceError("CONFLICT", `the webhook call was not started (${result.outcome})`);
  announceExecutionChanged(result.executionId);
  wakeEngine();
  if ((spec.respond ?? TRIGGER_DEFAULTS.respond) === "accepted") return { status: 202, body: { executionId: result.executionId, status: "QUEUED" } };
  return resultAnswer(db, result.executionId, (spec.waitSeconds ?? TRIGGER_DEFAULTS.waitSeconds) * 1000);
}

async function replayOf(db: Db, triggerId: string, fireKey: string, now: Date, windowMs: number): Promise<WebhookAnswer | null> {
  const first = await existingFire(db, triggerId, fireKey);
  if (!first) return null;
  if (now.getTime() - first.createdAt.getTime() > windowMs) {
    await releaseExpiredFire(db, triggerId, fireKey, new Date(now.getTime() - windowMs));
    return null;
  }
  if (!first.executionId) throw new ServiceError("VALIDATION_FAILED", "the first call with this Idempotency-Key was refused; its execution never started");
  const execution = await db.execution.findUnique({ where: { id: first.executionId }, select: { status: true } });
  return { status: 200, body: { executionId: first.executionId, status: execution?.status ?? "UNKNOWN", replayed: true }, headers: { "Idempotent-Replayed": "true" } };
}

/** respond: result — the execution's end (200) or, when it is still running after the wait, 202. */
async function resultAnswer(db: Db, executionId: string, waitMs: number): Promise<WebhookAnswer> {
  await waitForExecutionEnd(db, executionId, waitMs);
  const execution = await db.execution.findUnique({ where: { id: executionId }, select: { status: true, output: true, error: true, endedAt: true } });
  if (!execution?.endedAt) return { status: 202, body: { executionId, status: execution?.status ?? "QUEUED", waited: true } };
  return { status: 200, body: { executionId, status: execution.status, output: fromJsonText(execution.output) ?? null, error: fromJsonText(execution.error) ?? null } };
}
