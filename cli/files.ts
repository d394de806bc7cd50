import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CliError, EXIT } from "./exit-codes";

/**
 * The files under `paths` whose names `wanted` accepts: directories recursively (sorted; dot-folders
 * and node_modules skipped), a file named directly taken as it is. A path that does not exist is a
 * usage error (exit 2) naming it. Used by `apply` (definitions) and `test` (test files).
 */
export function filesUnder(paths: string[], wanted: (name: string) => boolean): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      if (entry.startsWith(".") || entry === "node_modules") continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (wanted(entry)) files.push(path);
    }
  };
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new CliError(`${path}: no such file or directory`, EXIT.usage);
    }
    if (stats.isDirectory()) walk(path);
    else files.push(path);
  }
  return files;
}
