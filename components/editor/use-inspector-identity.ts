"use client";

import { useState } from "react";

/**
 * The React key of the task inspector: a new one when another task is selected (its fields start
 * fresh), the same one when the shown task is renamed. Keying the inspector by the task key would
 * remount it on a rename, and the rename happens on blur: the field the user just clicked into
 * (Name, say) would be unmounted under the cursor, dropping focus and what they type next.
 */
export function useInspectorIdentity(selectedKey: string | undefined): { id: number; renamed: (newKey: string) => void } {
  const [shown, setShown] = useState({ key: selectedKey, id: 0 });
  let current = shown;
  if (selectedKey !== shown.key) {
    current = { key: selectedKey, id: shown.id + 1 };
    setShown(current);
  }
  return { id: current.id, renamed: (newKey) => setShown({ key: newKey, id: current.id }) };
}
