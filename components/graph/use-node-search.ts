"use client";

import { useEffect, useRef, useState, type RefObject } from "react";

/**
 * Opens the node search (node-search.tsx): Ctrl/⌘+K anywhere on the page, Ctrl/⌘+F when the
 * canvas in `container` has the focus or was the last thing clicked (elsewhere Ctrl/⌘+F stays the
 * browser's find). Not while another dialog is open.
 */
export function useNodeSearch(container: RefObject<HTMLElement | null>) {
  const [open, setOpen] = useState(false);
  const canvasActive = useRef(false);
  useEffect(() => {
    const onPointerDown = (event: PointerEvent) => {
      canvasActive.current = !!container.current && event.target instanceof Node && container.current.contains(event.target);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.metaKey || event.ctrlKey) || event.altKey || event.shiftKey) return;
      const key = event.key.toLowerCase();
      if (key !== "k" && key !== "f") return;
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      if (key === "f") {
        const focused = document.activeElement;
        const onCanvas = !!container.current && (container.current.contains(focused) || ((!focused || focused === document.body) && canvasActive.current));
        if (!onCanvas) return;
      }
      event.preventDefault();
      setOpen(true);
    };
    document.addEventListener("pointerdown", onPointerDown, true);
    window.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown, true);
      window.removeEventListener("keydown", onKeyDown);
    };
  }, [container]);
  return { open, setOpen };
}
