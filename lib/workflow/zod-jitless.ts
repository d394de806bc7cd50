/**
 * Tells zod never to compile parsers with `new Function` (its "JIT"). In the browser the page's
 * Content-Security-Policy has no 'unsafe-eval' (lib/http/security-headers.ts): zod's probe for it,
 * `Function("")`, is refused and reported as a CSP violation on every page that parses with zod.
 * Imported first by app/providers.tsx, so it runs before any schema parses in the browser. The
 * server keeps the JIT (no CSP applies there).
 */
import { z } from "zod";

if (typeof window !== "undefined") z.config({ jitless: true });
