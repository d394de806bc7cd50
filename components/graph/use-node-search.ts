"use client";

import { useEffect, useRef, useState, type RefObject } from "react";

/**
 * Opens the node search (node-search.tsx): Ctrl/⌘+K anywhere on the page, Ctrl/⌘+F when the
 * canvas in `container` was the last thing clicked or focused (elsewhere Ctrl/⌘+F stays the
 * browser's find). Not while another dialog is open.
 */
export function useNodeSearch(container: RefObject<HTMLElement | null>) {
  const [open, setOpen] = useState(false);
  const canvasActive = useRef(false);
  useEffect(() => {
    // The last click or focus move decides. A click on the pane focuses no element of the canvas
    // but the nearest focusable ancestor (the page's <main>), which leaves it as it was.
    const inside = (target: EventTarget | null) => !!container.current && target instanceof Node && container.current.contains(target);
    const onPointerDown = (event: Event) => {
      canvasActive.current = inside(event.target);
    };
    const onFocusIn = (event: Event) => {
      if (event.target instanceof Node && container.current && event.target.contains(container.current)) return;
      canvasActive.current = inside(event.target);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.metaKey || event.ctrlKey) || event.altKey || event.shiftKey) return;
      const key = event.key.toLowerCase();
      if (key !== "k" && key !== "f") return;
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      if (key === "f" && !canvasActive.current) return;
      event.preventDefault();
      setOpen(true);
    };
    document.addEventListener("pointerdown", onPointerDown, true);
    document.addEventListener("focusin", onFocusIn);
    window.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown, true);
      document.removeEventListener("focusin", onFocusIn);
      window.removeEventListener("keydown", onKeyDown);
    };
  }, [container]);
  return { open, setOpen };
}
