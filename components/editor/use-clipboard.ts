"use client";

import { useCallback, useEffect, useRef, type RefObject } from "react";
import { useReactFlow } from "@xyflow/react";
import { toast } from "sonner";
import { pastePlacement, type Point, type Rect } from "@/lib/canvas/fit-view";
import { copyTasks, fragmentToText, parseFragment, pasteFragment } from "@/lib/editor/clipboard";
import type { DraftDefinition } from "@/lib/editor/document";
import type { Selection } from "@/components/editor/use-selection";

const PASTE_OFFSET = { x: 40, y: 40 };
/** Screen pixels between pasted cards and the canvas's edge. @default 24 */
const PASTE_MARGIN = 24;

/** A clipboard kept in the page when the browser refuses clipboard access (no permission, http). */
let pageClipboard: string | null = null;

type ClipboardOptions = {
  draft: DraftDefinition;
  /** The selected tasks: what copy and duplicate take. */
  selectedKeys: string[];
  commit: (next: DraftDefinition) => void;
  setSelection: (selection: Selection) => void;
  /** The canvas element: pasted cards land in its view. */
  canvasRef: RefObject<HTMLDivElement | null>;
};

/**
 * The canvas's visible part in flow coordinates, and the pointer's position there when it is over
 * the canvas: where pasted cards may land (lib/canvas/fit-view.ts pastePlacement).
 */
function usePasteView(canvasRef: RefObject<HTMLDivElement | null>) {
  const flow = useReactFlow();
  const pointer = useRef<{ clientX: number; clientY: number } | null>(null);
  useEffect(() => {
    const onMove = (event: PointerEvent) => {
      pointer.current = { clientX: event.clientX, clientY: event.clientY };
    };
    document.addEventListener("pointermove", onMove, { passive: true });
    document.addEventListener("pointerdown", onMove, { passive: true });
    return () => {
      document.removeEventListener("pointermove", onMove);
      document.removeEventListener("pointerdown", onMove);
    };
  }, []);
  return useCallback((): { view: Rect; pointer: Point | null } | null => {
    const bounds = canvasRef.current?.getBoundingClientRect();
    if (!bounds || bounds.width === 0) return null;
    // A margin inside the canvas, so a card placed at the edge is not cut by it.
    const topLeft = flow.screenToFlowPosition({ x: bounds.left + PASTE_MARGIN, y: bounds.top + PASTE_MARGIN });
    const bottomRight = flow.screenToFlowPosition({ x: bounds.right - PASTE_MARGIN, y: bounds.bottom - PASTE_MARGIN });
    const at = pointer.current;
    const over = at && at.clientX >= bounds.left && at.clientX <= bounds.right && at.clientY >= bounds.top && at.clientY <= bounds.bottom;
    return {
      view: { x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y },
      pointer: over ? flow.screenToFlowPosition({ x: at.clientX, y: at.clientY }) : null,
    };
  }, [canvasRef, flow]);
}

/**
 * Copy, paste and duplicate of tasks, as definition JSON on the system clipboard (so they paste
 * into another tab or a text editor), with a page clipboard when the browser refuses access.
 * Pasted cards land in view (pastePlacement); duplicates sit beside their originals.
 */
export function useClipboard({ draft, selectedKeys, commit, setSelection, canvasRef }: ClipboardOptions) {
  const pasteView = usePasteView(canvasRef);
  /** Copies the selected tasks; false when none is selected. */
  const copySelection = useCallback(async () => {
    if (selectedKeys.length === 0) return false;
    const text = fragmentToText(copyTasks(draft, selectedKeys));
    pageClipboard = text;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // The page clipboard still has it.
    }
    return true;
  }, [draft, selectedKeys]);

  const pasteText = useCallback(
    (text: string | null) => {
      const fragment = text ? parseFragment(text) : undefined;
      if (!fragment) {
        toast.error("Nothing to paste", { description: "The clipboard holds no Flowdeck tasks (definition JSON with a tasks array)." });
        return;
      }
      // Beside the originals when that is in view, else at the pointer or the view's centre.
      const where = pasteView();
      const positions = fragment.tasks.map((task) => fragment.layout[task.key] ?? { x: 0, y: 0 });
      const pasted = pasteFragment(draft, fragment, where ? pastePlacement(positions, where.view, where.pointer, PASTE_OFFSET) : { offset: PASTE_OFFSET });
      commit(pasted.draft);
      setSelection({ nodes: pasted.taskKeys, edges: [] });
    },
    [commit, draft, pasteView, setSelection],
  );

  /** Pastes the system clipboard's tasks, or the page clipboard's when that is empty or refused. */
  const paste = useCallback(() => {
    navigator.clipboard
      .readText()
      .then((text) => pasteText(text || pageClipboard))
      .catch(() => pasteText(pageClipboard));
  }, [pasteText]);

  const duplicate = useCallback(() => {
    if (selectedKeys.length === 0) return;
    const pasted = pasteFragment(draft, copyTasks(draft, selectedKeys), { offset: PASTE_OFFSET });
    commit(pasted.draft);
    setSelection({ nodes: pasted.taskKeys, edges: [] });
  }, [commit, draft, selectedKeys, setSelection]);

  return { copySelection, paste, duplicate };
}
