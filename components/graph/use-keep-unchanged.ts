"use client";

import { useState } from "react";
import { keepUnchanged } from "@/lib/canvas/keep-unchanged";

/**
 * `next`, with the previous render's object kept for every element whose content did not change
 * (see keepUnchanged), so React Flow redraws only the elements a change touched. Uses React's
 * "adjust state while rendering" pattern: no ref is read during render.
 */
export function useKeepUnchanged<T extends { id: string }>(next: T[]): T[] {
  const [state, setState] = useState({ input: next, output: next });
  if (state.input === next) return state.output;
  const output = keepUnchanged(state.output, next);
  setState({ input: next, output });
  return output;
}
