import { z } from "zod";

/** `?version=N`: absent → latest; otherwise a positive integer. */
export const versionQuerySchema = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, "version must be a positive integer")
  .transform(Number)
  .optional();

export function versionFrom(request: Request): number | undefined {
  const raw = new URL(request.url).searchParams.get("version");
  return versionQuerySchema.parse(raw ?? undefined);
}
