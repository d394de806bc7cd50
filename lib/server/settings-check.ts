import { sqliteSynchronous } from "@/lib/db/client";
import { maxLogBytes } from "@/lib/runtime/writes/append-logs";
import { engineOptionsFromEnv, engineThreadEnabled } from "@/lib/server/engine-options";
import { shutdownGraceMs } from "@/lib/server/shutdown";
import { isSettingError, SettingError } from "@/lib/workflow/setting-error";

/**
 * Every setting a server or worker reads after start-up, parsed once before it starts, so a wrong
 * value stops the start with all the problems named (SettingError) instead of failing later, on
 * the first request or the first task that reads it. (Settings read when their module loads —
 * the cache bounds of boundFromEnv, FLOWDECK_ENGINE_INLINE_STEPS — fail that import the same way.)
 */
export function checkSettings(env: Readonly<Record<string, string | undefined>> = process.env): void {
  const problems: string[] = [];
  const checks = [() => sqliteSynchronous(env), () => maxLogBytes(env), () => engineThreadEnabled(env), () => shutdownGraceMs(env), () => engineOptionsFromEnv(env)];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!isSettingError(error)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new SettingError(problems.join("; "));
}
