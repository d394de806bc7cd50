// Failed sign-ins per account and per client address, in a fixed window, in this process's memory
// (bounded: an LRU of keys). With several web processes each keeps its own counts, so the
// effective limit is at most processes × the setting; one web process is the common deployment.
import { LruCache } from "@/lib/workflow/lru";

type Window = { startedAt: number; failures: number };

export class FailureLimiter {
  private readonly windows = new LruCache<string, Window>({ maxEntries: 50_000 });

  constructor(private readonly settings: () => { windowMs: number }) {}

  /** How many ms until `key` may try again, or 0 if it may now. */
  blockedFor(key: string, limit: number, now = Date.now()): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    const endsAt = window.startedAt + this.settings().windowMs;
    if (endsAt <= now) return 0;
    return window.failures >= limit ? endsAt - now : 0;
  }

  fail(key: string, now = Date.now()): void {
    const window = this.windows.get(key);
    if (!window || window.startedAt + this.settings().windowMs <= now) this.windows.set(key, { startedAt: now, failures: 1 });
    else window.failures += 1;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }
}
