// Takes full-page screenshots of app pages with Chromium, to look at what a person sees.
// Usage: node scripts/screenshots.mjs [baseUrl] [outDir] [path ...]
//   e.g. node scripts/screenshots.mjs http://127.0.0.1:3000 .tmp/shots /workflows /workflows/serial-chain
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "@playwright/test";

const [baseUrl = "http://127.0.0.1:3000", outDir = ".tmp/screenshots", ...paths] = process.argv.slice(2);
const targets = paths.length > 0 ? paths : ["/workflows", "/executions"];
const executablePath = process.env.FLOWDECK_CHROMIUM ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const colorScheme = process.env.COLOR_SCHEME === "dark" ? "dark" : "light";

mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme });
for (const path of targets) {
  await page.goto(baseUrl + path, { waitUntil: "networkidle" });
  await page.waitForTimeout(300);
  const file = join(outDir, `${path.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "root"}-${colorScheme}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(file);
}
await browser.close();
