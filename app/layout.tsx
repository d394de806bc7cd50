import type { Metadata } from "next";
import type { ReactNode } from "react";
import "@fontsource-variable/inter";
import "./globals.css";
import { AppShell } from "@/components/app-shell";
import { Providers } from "@/app/providers";
import packageJson from "@/package.json";

export const metadata: Metadata = {
  title: { default: "Flowdeck", template: "%s · Flowdeck" },
  description: "Design, run and monitor workflows",
};

// Follows the operating system's theme before the first paint (no flash of the wrong theme).
const THEME_SCRIPT = `try{if(matchMedia('(prefers-color-scheme: dark)').matches)document.documentElement.classList.add('dark')}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <Providers>
          <AppShell version={packageJson.version}>{children}</AppShell>
        </Providers>
      </body>
    </html>
  );
}
