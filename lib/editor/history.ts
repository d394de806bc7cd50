/**
 * Undo/redo as a pure reducer over immutable snapshots. Every change of the document goes through
 * `commit`; typing into one field coalesces into one step (same `coalesceKey` within
 * `COALESCE_WINDOW_MS`), so Ctrl+Z undoes a word, not a letter.
 */
export type History<T> = {
  past: T[];
  present: T;
  future: T[];
  /** Key and time of the last commit, for coalescing. */
  lastCommit?: { key: string; at: number };
};

export type HistoryAction<T> =
  | { type: "commit"; present: T; coalesceKey?: string; at?: number }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "reset"; present: T };

/** Most undo steps kept. @default 200 */
export const HISTORY_LIMIT = 200;
/** Commits with the same coalesce key closer than this merge into one step. @default 1000 */
export const COALESCE_WINDOW_MS = 1000;

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

export function historyReducer<T>(state: History<T>, action: HistoryAction<T>): History<T> {
  switch (action.type) {
    case "commit": {
      if (action.present === state.present) return state;
      const at = action.at ?? 0;
      const coalesce =
        action.coalesceKey !== undefined &&
        state.lastCommit?.key === action.coalesceKey &&
        at - state.lastCommit.at <= COALESCE_WINDOW_MS &&
        state.past.length > 0;
      const lastCommit = action.coalesceKey !== undefined ? { key: action.coalesceKey, at } : undefined;
      if (coalesce) return { past: state.past, present: action.present, future: [], lastCommit };
      const past = [...state.past, state.present];
      if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
      return { past, present: action.present, future: [], lastCommit };
    }
    case "undo": {
      if (state.past.length === 0) return state;
      const previous = state.past[state.past.length - 1]!;
      return { past: state.past.slice(0, -1), present: previous, future: [state.present, ...state.future] };
    }
    case "redo": {
      if (state.future.length === 0) return state;
      const [next, ...future] = state.future;
      return { past: [...state.past, state.present], present: next!, future };
    }
    case "reset":
      return createHistory(action.present);
  }
}

export const canUndo = (state: History<unknown>) => state.past.length > 0;
export const canRedo = (state: History<unknown>) => state.future.length > 0;
