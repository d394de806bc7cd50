// Runs once when the Next.js server starts (next start / next dev), before it serves requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  try {
    const { ensureReady } = await import("@/lib/server/bootstrap");
    await ensureReady();
  } catch (error) {
    const { exitOnSettingError } = await import("@/lib/server/setting-exit");
    exitOnSettingError(error, "flowdeck");
  }
}
