import { z } from "zod";
import { MAX_JSON_DEPTH, pathDeeperThan } from "@/lib/workflow/json-depth";

/**
 * Any JSON value, at most MAX_JSON_DEPTH (128) levels deep: z.json() with the depth checked first,
 * iteratively (z.json() itself recurses and ran out of stack on a value 1,849 levels deep: a 500).
 * For every JSON field of a request (execution inputs, rerun inputs, workers' outputs and
 * details), API route or server action alike.
 */
export const boundedJsonSchema = z
  .unknown()
  .superRefine((value, context) => {
    // The issue's path is the field's plus the segments down to the first value too deep.
    const path = pathDeeperThan(value);
    if (path !== undefined) context.addIssue({ code: "custom", message: `is nested deeper than ${MAX_JSON_DEPTH} levels`, path });
  })
  .pipe(z.json());
