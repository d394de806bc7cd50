import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread whose entry is a TypeScript source file, outside Next (vitest, `npm run worker`
 * under tsx). Node 20 cannot start a thread from a .ts file even under tsx (the loader does not
 * reach a thread's entry), so a small script registers tsx's loader in the thread, then imports
 * the entry. Under `next start` the threads come from `new Worker(new URL("./x.ts",
 * import.meta.url))` instead, the literal form Turbopack bundles as a chunk of its own: that call
 * must stay in the module beside its entry (lib/pool/pool.ts, lib/server/engine-thread/host.ts).
 */
export function sourceThread(entry: URL, options: WorkerOptions): Worker {
  const loader = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
