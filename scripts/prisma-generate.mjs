// Generates one Prisma client per provider (lib/db/generated/<provider>).
// `prisma generate` does not need Prisma's native schema engine, but the CLI insists on finding one
// and tries to download it (impossible offline). Pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// existing file, for this command only, satisfies that check. Never set it for migrate commands:
// migrations are created with the wasm engine (scripts/db/) and applied by lib/db/migrate.ts.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { composeSchemas } from "./prisma-schemas.mjs";

const require = createRequire(import.meta.url);
const prismaCli = require.resolve("prisma/build/index.js");
const paths = composeSchemas();
for (const [provider, schema] of Object.entries(paths)) {
  execFileSync(process.execPath, [prismaCli, "generate", "--schema", schema], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
  console.log(`prisma: generated ${provider} client`);
}
