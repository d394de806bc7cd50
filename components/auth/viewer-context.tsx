"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Viewer } from "@/lib/auth/principal";
import { allows, type Access } from "@/lib/auth/roles";

const ViewerContext = createContext<Viewer | null>(null);

/** The signed-in user, for the UI to show only what their role allows (the server checks again). */
export function ViewerProvider({ viewer, children }: { viewer: Viewer | null; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): Viewer | null {
  return useContext(ViewerContext);
}

/** Whether the signed-in user's role allows `access` (false when nobody is signed in). */
export function useCan(access: Access): boolean {
  const viewer = useContext(ViewerContext);
  return viewer !== null && allows(viewer.role, access);
}
