import { NextResponse } from "next/server";
import { SaveConflictError } from "@/lib/services/save-precondition";
import type { SaveResult } from "@/lib/services/workflows";

/**
 * The answer to a save (a new version, a restore): 201 with the new version, 200 when the content
 * was already the latest, and 409 with the versions involved (the existing workflow, or the base
 * and the latest) when the save would overwrite what it was not based on. ETag: the checksum.
 */
export async function answerSave(save: Promise<SaveResult>): Promise<NextResponse> {
  try {
    const result = await save;
    return NextResponse.json(result, { status: result.created ? 201 : 200, headers: { ETag: `"${result.workflow.checksum}"` } });
  } catch (error) {
    if (!(error instanceof SaveConflictError)) throw error;
    const { code, message, details, conflict } = error;
    return NextResponse.json({ error: { code, message, details, conflict } }, { status: 409 });
  }
}
