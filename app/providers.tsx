"use client";

import "@/lib/workflow/zod-jitless";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { Toaster } from "sonner";
import { ViewerProvider } from "@/components/auth/viewer-context";
import type { Viewer } from "@/lib/auth/principal";

export function Providers({ children, viewer }: { children: ReactNode; viewer: Viewer | null }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 1000, refetchOnWindowFocus: false } } }));
  // The page is hydrated (its buttons work): e2e/fixtures.ts waits for this after each navigation.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <ViewerProvider viewer={viewer}>{children}</ViewerProvider>
      <Toaster position="bottom-right" richColors closeButton />
    </QueryClientProvider>
  );
}
