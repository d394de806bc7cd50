/**
 * The CLI's HTTP client of the Flowdeck REST API (its shapes: GET /api/openapi.json). Every
 * failure becomes a CliError with the exit code scripts branch on: the server cannot be reached
 * or refuses the credentials → 4 (naming the URL), a refusal as invalid or unknown → 2, other
 * refusals → 1. The error body `{ error: { code, message, details } }` is shown as the server said it.
 */
import { CliError, EXIT } from "./exit-codes";

export type ClientOptions = { url: string; token?: string; timeoutMs?: number };
export type ApiError = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

export class Client {
  readonly base: URL;
  constructor(private readonly options: ClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new CliError(`the server URL '${options.url}' is not a URL; set FLOWDECK_URL or --url, e.g. http://localhost:3000`, EXIT.usage);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new CliError(`the server URL '${options.url}' must start with http:// or https://`, EXIT.usage);
    this.base = base;
  }

  url(path: string): string {
    return new URL(path.replace(/^\//, ""), this.base.href.endsWith("/") ? this.base.href : `${this.base.href}/`).href;
  }

  /** A request; `accept` other than JSON answers the raw Response (for streams and exports). */
  async raw(method: string, path: string, init: { body?: unknown; accept?: string; signal?: AbortSignal; query?: Record<string, string | number | boolean | undefined> } = {}): Promise<Response> {
    const url = new URL(this.url(path));
    for (const [key, value] of Object.entries(init.query ?? {})) if (value !== undefined && value !== "") url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: init.accept ?? "application/json", "user-agent": "flowdeck-cli" };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.body);
    }
    const signal = init.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal, redirect: "manual" });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      if ((error as Error).name === "AbortError" && init.signal?.aborted) throw error;
      throw new CliError(`cannot reach the Flowdeck server at ${this.base.origin} (${why}); is it running? Set FLOWDECK_URL or --url`, EXIT.unreachable);
    }
    if (response.status >= 300 && response.status < 400) {
      throw new CliError(`${this.base.origin} answered ${method} ${url.pathname} with a redirect to ${response.headers.get("location") ?? "?"}: is FLOWDECK_URL the Flowdeck server?`, EXIT.unreachable);
    }
    if (!response.ok) throw await errorOf(response, method, url, this.base.origin, Boolean(this.options.token));
    return response;
  }

  async json<T = unknown>(method: string, path: string, init: Parameters<Client["raw"]>[2] = {}): Promise<T> {
    const response = await this.raw(method, path, init);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`${this.base.origin} answered ${method} ${path} with something that is not JSON: is FLOWDECK_URL the Flowdeck server?`, EXIT.unreachable);
    }
  }

  get<T = unknown>(path: string, query?: Record<string, string | number | boolean | undefined>) {
    return this.json<T>("GET", path, { query });
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.json<T>("POST", path, { body });
  }
}

async function errorOf(response: Response, method: string, url: URL, origin: string, hadToken: boolean): Promise<CliError> {
  const text = await response.text().catch(() => "");
  let parsed: ApiError | null = null;
  try {
    parsed = JSON.parse(text) as ApiError;
  } catch {
    parsed = null;
  }
  const message = parsed?.error?.message ?? (text.slice(0, 200) || response.statusText);
  const details = parsed?.error?.details ?? [];
  const where = `${method} ${url.pathname}`;
  if (response.status === 401) {
    const hint = hadToken ? "the token is not accepted" : "no token given: set FLOWDECK_TOKEN or --token (Settings → API tokens)";
    return new CliError(`${origin} refused the credentials (${hint}): ${message}`, EXIT.unreachable, details);
  }
  if (response.status === 403) return new CliError(`${origin} refused ${where}: ${message}`, EXIT.unreachable, details);
  if (!parsed?.error) return new CliError(`${origin} answered ${where} with ${response.status} and no Flowdeck error: is FLOWDECK_URL the Flowdeck server?`, EXIT.unreachable);
  const code = response.status === 400 || response.status === 404 || response.status === 413 || response.status === 415 ? EXIT.usage : EXIT.failed;
  return new CliError(`${where}: ${message}`, code, details);
}
