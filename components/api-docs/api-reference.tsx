"use client";

// Swagger UI from the swagger-ui-dist npm package, bundled into the app's own chunks: no CDN, and
// it runs under the pages' nonce-based CSP (a chunk loaded by Next's nonced scripts is trusted
// through 'strict-dynamic'; Swagger UI needs no eval and only inline styles, which the policy
// allows). The validator badge is off: it would fetch an image from validator.swagger.io.
//
// Accessibility (axe, WCAG 2.1 AA — e2e/a11y.spec.ts): Swagger UI as shipped fails it. Contrast is
// fixed in swagger-ui-theme.css (light) and by Swagger UI's own dark mode (dark, followAppTheme);
// the rest here: a plugin for the operation summary, a code theme, and a few attributes.
import { useEffect, useRef, useState } from "react";
import "swagger-ui-dist/swagger-ui.css";
import "./swagger-ui-theme.css";

type SwaggerUiFactory = (options: Record<string, unknown>) => unknown;
type SwaggerReact = { createElement: (type: unknown, props: Record<string, unknown>) => unknown };
type OperationSummaryPathProps = { operationProps: { set: (key: string, value: unknown) => unknown } };

/**
 * The operation's summary is one <button> (expand/collapse) that holds the path; with deep
 * linking Swagger UI makes the path a link too, nested in the button (axe "nested-interactive": a
 * keyboard or screen-reader user meets two controls in one). Here the path renders as it does
 * without deep linking (an <a> with no href: not a link, not focusable); deep linking itself stays
 * (opening an operation still sets #/Tag/operationId, and such a URL opens it).
 */
function operationPathWithoutLink() {
  return {
    wrapComponents: {
      OperationSummaryPath:
        (Original: unknown, system: { React: SwaggerReact }) =>
        (props: OperationSummaryPathProps) =>
          system.React.createElement(Original, { ...props, operationProps: props.operationProps.set("isDeepLinkingEnabled", false) }),
    },
  };
}

/**
 * Attributes Swagger UI leaves out, set on its elements as they appear: each is a selector that
 * matches only elements still missing the fix, so applying them again changes nothing.
 */
const ACCESSIBILITY_FIXES: { selector: string; fix: (element: Element) => void }[] = [
  // The servers <select> sits in an empty <label>; its visible title is a separate <span>.
  { selector: "select#servers:not([aria-label])", fix: (element) => element.setAttribute("aria-label", "Servers") },
  // Code blocks (examples, responses, curl) scroll: a keyboard user must be able to focus them to scroll.
  { selector: "pre.microlight:not([tabindex])", fix: (element) => element.setAttribute("tabindex", "0") },
  // The Authorize dialog's close button holds only an icon.
  { selector: ".close-modal:not([aria-label])", fix: (element) => element.setAttribute("aria-label", "Close") },
  // "Authorize" / "Logout" carry aria-labels ("Apply credentials") that hide the visible word from speech input.
  { selector: ".auth-btn-wrapper button[aria-label]", fix: (element) => element.removeAttribute("aria-label") },
];

function applyAccessibilityFixes(root: Element): () => void {
  const apply = () => {
    for (const { selector, fix } of ACCESSIBILITY_FIXES) root.querySelectorAll(selector).forEach(fix);
  };
  apply();
  const observer = new MutationObserver(apply);
  observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-label"] });
  return () => observer.disconnect();
}

/** Swagger UI's dark mode (`html.dark-mode`) on while the app's theme is dark (`html.dark`, components/theme-toggle.tsx). */
function followAppTheme(): () => void {
  const html = document.documentElement;
  const sync = () => {
    const dark = html.classList.contains("dark");
    if (html.classList.contains("dark-mode") !== dark) html.classList.toggle("dark-mode", dark);
  };
  sync();
  const observer = new MutationObserver(sync);
  observer.observe(html, { attributes: true, attributeFilter: ["class"] });
  return () => {
    observer.disconnect();
    html.classList.remove("dark-mode");
  };
}

export function ApiReference({ url }: { url: string }) {
  const node = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => followAppTheme(), []);
  useEffect(() => (node.current ? applyAccessibilityFixes(node.current) : undefined), []);
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
          // Swagger UI's default code theme (agate) shows numbers at 3.5:1; this one's colours are 4.5:1 or more on JSON and shell.
          syntaxHighlight: { activated: true, theme: "tomorrow-night" },
          plugins: [operationPathWithoutLink],
        });
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
    };
  }, [url]);
  return (
    <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900" data-testid="api-reference">
      {failed ? <p className="p-4 text-sm text-red-700 dark:text-red-400">The API reference could not load: {failed}. The document is at {url}.</p> : null}
      <div ref={node} />
    </div>
  );
}
