import { expect, test } from "./fixtures";

// The product card's layout (issue 12, point 18): public/ holds favicon.ico, the app icons, a web
// manifest and robots.txt, and every page links the tab icon and the manifest.

test("every page links Flowdeck's tab icon and manifest; the icons, manifest and robots.txt are served", async ({ page, request }) => {
  await page.goto("/");
  const icon = await page.locator('head link[rel="icon"]').first().getAttribute("href");
  expect(icon).toMatch(/^\/icon\.svg/);
  const svg = await request.get(icon!);
  expect(svg.headers()["content-type"]).toContain("image/svg+xml");
  expect(await svg.text()).toContain("<svg");
  await expect(page.locator('head link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
  await expect(page.locator('head meta[name="theme-color"]')).toHaveAttribute("content", "#4f46e5");

  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  const bytes = await favicon.body();
  expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // an ICO header

  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.status()).toBe(200);
  const parsed = (await manifest.json()) as { name: string; icons: { src: string; sizes: string; purpose?: string }[] };
  expect(parsed.name).toBe("Flowdeck");
  expect(parsed.icons.map((i) => i.sizes)).toEqual(["192x192", "512x512", "512x512"]);
  for (const { src } of [...parsed.icons, { src: "/apple-touch-icon.png" }]) {
    const image = await request.get(src);
    expect(image.status(), src).toBe(200);
    expect(image.headers()["content-type"], src).toBe("image/png");
  }

  const robots = await request.get("/robots.txt");
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toContain("Disallow: /");
});
