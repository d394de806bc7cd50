"use client";

import type { HttpExchange } from "@/lib/runtime/runners/http-exchange";
import { formatDurationMs } from "@/lib/canvas/execution-overlay";
import { JsonView } from "@/components/monitor/json-view";

// An http attempt's input is what it really sent (lib/runtime/runners/http-exchange.ts): drawn as
// a Request block (METHOD URL, headers, body) and a Response line (status, time, headers).

/** Whether an attempt's input is an http exchange. */
export function isHttpExchange(value: unknown): value is HttpExchange {
  if (typeof value !== "object" || value === null) return false;
  const request = (value as { request?: unknown }).request;
  return typeof request === "object" && request !== null && typeof (request as { method?: unknown }).method === "string" && typeof (request as { url?: unknown }).url === "string";
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function HeadersTable({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return <p className="text-xs text-zinc-500 dark:text-zinc-400">No headers</p>;
  return (
    <table className="w-full table-fixed text-left font-mono text-[11px]" aria-label={label}>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name} className="border-t border-zinc-100 align-top first:border-t-0 dark:border-zinc-800">
            <th scope="row" className="w-2/5 py-0.5 pr-2 font-medium break-all text-zinc-600 dark:text-zinc-300">
              {name}
            </th>
            <td className="py-0.5 break-all text-zinc-800 dark:text-zinc-200">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const heading = "mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500";
const box = "rounded-md bg-zinc-50 p-2 dark:bg-zinc-950";

export function HttpExchangeView({ exchange }: { exchange: HttpExchange }) {
  const { request, response } = exchange;
  const statusTone = response?.status == null ? "text-red-700 dark:text-red-400" : response.status >= 400 ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400";
  return (
    <>
      <section aria-label="Request" className="min-w-0" data-testid="http-request">
        <h3 className={heading}>Request</h3>
        <div className={`${box} flex flex-col gap-2`}>
          <p className="font-mono text-[11px] break-all text-zinc-800 dark:text-zinc-200" data-testid="http-request-line">
            <span className="font-semibold">{request.method}</span> {request.url}
          </p>
          <HeadersTable headers={request.headers} label="Request headers" />
          {request.body !== null ? (
            <div>
              <pre className="max-h-60 overflow-auto font-mono text-[11px] leading-relaxed break-all whitespace-pre-wrap text-zinc-800 dark:text-zinc-200">{prettyBody(request.body)}</pre>
              {request.bodyTruncated ? (
                <p className="mt-1 text-xs text-amber-800 dark:text-amber-300">
                  Body cut: first {request.body.length.toLocaleString()} characters of {request.bodyBytes.toLocaleString()} bytes shown
                </p>
              ) : null}
            </div>
          ) : null}
        </div>
      </section>
      <section aria-label="Response" className="min-w-0" data-testid="http-response">
        <h3 className={heading}>Response</h3>
        {response ? (
          <div className={`${box} flex flex-col gap-2`}>
            <p className="font-mono text-[11px]" data-testid="http-response-line">
              <span className={`font-semibold ${statusTone}`}>{response.status ?? `no answer${response.error ? ` (${response.error})` : ""}`}</span>
              <span className="text-zinc-600 dark:text-zinc-300"> · {formatDurationMs(response.durationMs)}</span>
            </p>
            {response.status !== null ? <HeadersTable headers={response.headers} label="Response headers" /> : null}
          </div>
        ) : (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">Not answered yet</p>
        )}
      </section>
    </>
  );
}

/** An attempt's input: an http attempt's exchange as Request / Response, anything else as JSON. */
export function AttemptInputView({ input }: { input: unknown }) {
  return isHttpExchange(input) ? <HttpExchangeView exchange={input} /> : <JsonView label="Input" value={input} />;
}
