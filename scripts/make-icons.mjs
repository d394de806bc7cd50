// Renders app/icon.svg into public/ (PNG app icons, a maskable icon, the Apple touch icon and
// favicon.ico) with the Chromium the e2e suite uses: `node scripts/make-icons.mjs`. Run it after
// changing the icon; the outputs are committed (they are sources of the site, not build output).
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "@playwright/test";
const svg = readFileSync("app/icon.svg", "utf8");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const page = await browser.newPage();
const render = async (size, pad = 0, bg = "transparent") => {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:${bg}"><div style="width:${size}px;height:${size}px;display:flex;align-items:center;justify-content:center">${svg.replace("<svg ", `<svg width="${size - 2 * pad}" height="${size - 2 * pad}" `)}</div></body></html>`);
  return page.screenshot({ omitBackground: bg === "transparent" });
};
writeFileSync("public/icon-192.png", await render(192));
writeFileSync("public/icon-512.png", await render(512));
// Maskable: the safe zone is the inner 80 %; the background fills the rest.
writeFileSync("public/icon-maskable-512.png", await render(512, 52, "#4f46e5"));
writeFileSync("public/apple-touch-icon.png", await render(180, 0, "#4f46e5"));
const png32 = await render(32);
const png16 = await render(16);
// An .ico holding PNG images (supported by every browser since Vista-era IE): header, directory, data.
const images = [[16, png16], [32, png32]];
const header = Buffer.alloc(6); header.writeUInt16LE(0, 0); header.writeUInt16LE(1, 2); header.writeUInt16LE(images.length, 4);
let offset = 6 + 16 * images.length;
const entries = images.map(([size, data]) => { const e = Buffer.alloc(16); e.writeUInt8(size, 0); e.writeUInt8(size, 1); e.writeUInt8(0, 2); e.writeUInt8(0, 3); e.writeUInt16LE(1, 4); e.writeUInt16LE(32, 6); e.writeUInt32LE(data.length, 8); e.writeUInt32LE(offset, 12); offset += data.length; return e; });
writeFileSync("public/favicon.ico", Buffer.concat([header, ...entries, ...images.map(([, d]) => d)]));
await browser.close();
