import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", ".next-*/**", ".tmp/**", "bench-results/**", "node_modules/**", "lib/db/generated/**", "packages/*/dist/**", "packages/worker/src/protocol.generated.ts", "test-results/**", "playwright-report/**", "data/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Every spec uses e2e/fixtures.ts, whose `page` fails a test on any console error or page error.
    files: ["e2e/**/*.spec.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "@playwright/test", message: "import test and expect from ./fixtures (it fails a test on console errors and page errors)" }] }],
    },
  },
];

export default config;
