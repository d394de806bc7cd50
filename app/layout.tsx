import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { headers } from "next/headers";
import "@fontsource-variable/inter";
import "./globals.css";
import { AppShell } from "@/components/app-shell";
import { Providers } from "@/app/providers";
import packageJson from "@/package.json";
import { currentViewer } from "@/lib/server/page-auth";
import { THEME_STORAGE_KEY } from "@/components/theme-storage";

export const metadata: Metadata = {
  title: { default: "Flowdeck", template: "%s · Flowdeck" },
  description: "Design, run and monitor workflows",
  // The tab icon is app/icon.svg; public/ holds favicon.ico, the app icons and the web manifest.
  manifest: "/manifest.webmanifest",
  appleWebApp: { title: "Flowdeck" },
};

export const viewport: Viewport = { themeColor: "#4f46e5" };

// The theme before the first paint (no flash of the wrong one): the choice kept by the theme
// switch (components/theme-toggle.tsx), else the operating system's.
const THEME_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t==='dark'||(t!=='light'&&matchMedia('(prefers-color-scheme: dark)').matches))document.documentElement.classList.add('dark')}catch(e){}`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await currentViewer();
  // This response's CSP nonce (proxy.ts, lib/http/security-headers.ts): the one inline script we write.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <Providers viewer={viewer}>
          <AppShell version={packageJson.version} viewer={viewer}>
            {children}
          </AppShell>
        </Providers>
      </body>
    </html>
  );
}
