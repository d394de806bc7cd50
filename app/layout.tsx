import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { headers } from "next/headers";
import "@fontsource-variable/inter";
import "./globals.css";
import { AppShell } from "@/components/app-shell";
import { Providers } from "@/app/providers";
import packageJson from "@/package.json";
import { currentViewer } from "@/lib/server/page-auth";

export const metadata: Metadata = {
  title: { default: "Flowdeck", template: "%s · Flowdeck" },
  description: "Design, run and monitor workflows",
  // The tab icon is app/icon.svg; public/ holds favicon.ico, the app icons and the web manifest.
  manifest: "/manifest.webmanifest",
  appleWebApp: { title: "Flowdeck" },
};

export const viewport: Viewport = { themeColor: "#4f46e5" };

// Follows the operating system's theme before the first paint (no flash of the wrong theme).
const THEME_SCRIPT = `try{if(matchMedia('(prefers-color-scheme: dark)').matches)document.documentElement.classList.add('dark')}catch(e){}`;

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
