"use client";

// Swagger UI from the swagger-ui-dist npm package, bundled into the app's own chunks: no CDN, and
// it runs under the pages' nonce-based CSP (a chunk loaded by Next's nonced scripts is trusted
// through 'strict-dynamic'; Swagger UI needs no eval and only inline styles, which the policy
// allows). The validator badge is off: it would fetch an image from validator.swagger.io.
import { useEffect, useRef, useState } from "react";
import "swagger-ui-dist/swagger-ui.css";

type SwaggerUiFactory = (options: Record<string, unknown>) => unknown;

export function ApiReference({ url }: { url: string }) {
  const node = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    import("swagger-ui-dist/swagger-ui-es-bundle.js")
      .then((module: { default?: SwaggerUiFactory } & Record<string, unknown>) => {
        if (cancelled || !node.current) return;
        const SwaggerUI = (module.default ?? module) as SwaggerUiFactory;
        SwaggerUI({
          domNode: node.current,
          url,
          deepLinking: true,
          validatorUrl: null,
          persistAuthorization: false,
          withCredentials: true,
          docExpansion: "list",
          defaultModelsExpandDepth: 0,
          displayRequestDuration: true,
        });
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
    };
  }, [url]);
  return (
    <div className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800" data-testid="api-reference">
      {failed ? <p className="p-4 text-sm text-red-700">The API reference could not load: {failed}. The document is at {url}.</p> : null}
      <div ref={node} />
    </div>
  );
}
