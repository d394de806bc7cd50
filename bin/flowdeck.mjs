#!/usr/bin/env node
// The `flowdeck` command (package.json "bin"). It runs the TypeScript of cli/ through tsx, so it
// works from a checkout (`npx flowdeck …`) and from a global install (`npm install -g .`) with no
// build step. The tsconfig is this package's, whatever the current directory is.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
register({ tsconfig: join(root, "tsconfig.json") });
const { main } = await import(pathToFileURL(join(root, "cli", "main.ts")).href);
process.exitCode = await main(process.argv);
