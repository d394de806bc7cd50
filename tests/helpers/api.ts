// Calling route handlers the way Next does, signed in. Tests set FLOWDECK_ADMIN_TOKEN before the
// app is imported (the bootstrap admin token of lib/auth/api-tokens.ts), or create real tokens
// with `tokenFor` to act as a named actor with a given role.
import type { Db } from "@/lib/db/client";
import type { TokenRole } from "@/lib/auth/roles";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

/** Call at the top of a test file, before app code is imported. */
export function withTestAdminToken(): void {
  process.env.FLOWDECK_ADMIN_TOKEN ??= TEST_ADMIN_TOKEN;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RouteFn = (request: Request, context: { params: Promise<any> }) => Promise<Response>;

export type CallOptions = { body?: unknown; token?: string | null; headers?: Record<string, string>; params?: Record<string, string> };

/** One request through a route handler; a string body is sent as is, anything else as JSON. */
export async function callRoute(handler: RouteFn, method: string, url: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? process.env.FLOWDECK_ADMIN_TOKEN : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof options.body === "string" || options.body instanceof Uint8Array ? (options.body as BodyInit) : JSON.stringify(options.body);
  }
  const request = new Request(`http://localhost${url}`, { method, headers, body });
  return handler(request, { params: Promise.resolve(options.params ?? {}) });
}

/** A real API token with `role`, recorded as `token:<name>` in the history. */
export async function tokenFor(db: Db, name: string, role: TokenRole): Promise<string> {
  const { createApiToken } = await import("@/lib/auth/api-tokens");
  return (await createApiToken(db, { name, role }, "test")).token;
}
