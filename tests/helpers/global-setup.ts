// Vitest's globalSetup: the worker SDK's generated wire types exist before any test compiles or
// imports the SDK. Only a missing file is written (a fresh clone installed with --ignore-scripts):
// one that is not current stays, so tests/unit/worker-sdk-types.test.ts reports it.
import { existsSync } from "node:fs";
import { WORKER_PROTOCOL_FILE, writeWorkerProtocol } from "@/scripts/gen-worker-protocol";

export async function setup(): Promise<void> {
  if (!existsSync(WORKER_PROTOCOL_FILE)) await writeWorkerProtocol();
}
