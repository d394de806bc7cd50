/**
 * @flowdeck/worker — the typed SDK of Flowdeck's worker API (README.md beside src/). Needs nothing
 * but `fetch` (Node ≥ 20, Deno, Bun) and has no dependencies.
 *
 *   const worker = new FlowdeckWorker({
 *     baseUrl: "http://127.0.0.1:3000",
 *     token: process.env.FLOWDECK_TOKEN,
 *     taskType: "send_email",
 *     concurrency: 4,
 *     handleSignals: true,
 *     handler: async (task, { log }) => { log(`sending to ${task.input.to}`); return { sent: true }; },
 *   });
 *   worker.start();
 *
 * Low level: {@link FlowdeckWorkerApi} (poll / heartbeat / appendLogs / complete / fail, typed,
 * throwing {@link FlowdeckApiError} with the API's `{ error: { code, message, details } }`).
 */

export * from "./protocol.js";
export { FlowdeckApiError, FlowdeckWorkerApi, type FlowdeckWorkerApiOptions } from "./api.js";
export { FlowdeckWorker, toTaskError, type FlowdeckWorkerOptions, type StopOptions, type WorkerHandler, type WorkerLogger, type WorkerTaskContext } from "./worker.js";
