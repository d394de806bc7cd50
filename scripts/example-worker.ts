// The workers of the Conductor-style `user-email` example (examples/user-email.json):
//
//   get_user_email  { userId }           → { email: "<userId>@example.com" }
//                                          (fails with USER_NOT_FOUND for a userId containing "missing")
//   send_email      { to, subject }      → { sent: true, to, messageId }
//
// Run Flowdeck (`npm start`), create a token with the role `worker` under Settings → API tokens, then
// `FLOWDECK_TOKEN=fdk_… npm run example:worker`, then start the workflow (with an operator token):
//   curl -X POST localhost:3000/api/executions -H 'content-type: application/json' \
//        -H "authorization: Bearer $OPERATOR_TOKEN" -d '{"workflow":"user-email","input":{"userId":"ada"}}'
// FLOWDECK_URL sets where Flowdeck runs (default http://127.0.0.1:3000). Ctrl-C stops the workers
// after the tasks in flight have reported.
import { randomUUID } from "node:crypto";
import { FlowdeckWorker } from "@/packages/worker/src";

const baseUrl = process.env.FLOWDECK_URL?.trim() || "http://127.0.0.1:3000";
const token = process.env.FLOWDECK_TOKEN?.trim();
if (!token) {
  console.error("FLOWDECK_TOKEN is not set: create a token with the role 'worker' under Settings → API tokens (or POST /api/tokens)");
  process.exit(2);
}

class UserNotFoundError extends Error {
  readonly code = "USER_NOT_FOUND";
}

const getUserEmail = new FlowdeckWorker<{ userId?: string }, { email: string }>({
  baseUrl,
  token,
  taskType: "get_user_email",
  handler: async (task, { log }) => {
    const userId = task.input.userId;
    if (!userId) throw new Error("input.userId is missing");
    if (userId.includes("missing")) throw new UserNotFoundError(`no user '${userId}'`);
    const email = `${userId}@example.com`;
    log(`user ${userId} has email ${email}`);
    console.log(`  get_user_email: ${userId} → ${email}`);
    return { email };
  },
});

const sendEmail = new FlowdeckWorker<{ to?: string; subject?: string }, { sent: true; to: string; messageId: string }>({
  baseUrl,
  token,
  taskType: "send_email",
  concurrency: 4,
  handler: async (task, { log }) => {
    const { to, subject } = task.input;
    if (!to) throw new Error("input.to is missing");
    await new Promise((resolve) => setTimeout(resolve, 200)); // pretend to talk to a mail server
    const messageId = `<${randomUUID()}@flowdeck.example>`;
    log(`sent '${subject ?? ""}' to ${to} as ${messageId}`);
    console.log(`  send_email: '${subject ?? ""}' → ${to} (${messageId})`);
    return { sent: true, to, messageId };
  },
});

const workers = [getUserEmail, sendEmail];
console.log(`Flowdeck example workers for ${baseUrl}: get_user_email, send_email (Ctrl-C to stop)`);
for (const worker of workers) worker.start();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the workers…`);
  await Promise.all(workers.map((worker) => worker.stop()));
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
