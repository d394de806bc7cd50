/**
 * The import-cycle check of `npm run lint` (`depcruise --config .dependency-cruiser.cjs lib app components`).
 *
 * Type-only imports (`import type`, `import { type X }`) count: they vanish at runtime, but a cycle
 * of types is still two modules that cannot be understood (or moved) one without the other.
 * `tsPreCompilationDeps: true` is what makes dependency-cruiser see them.
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle (type-only imports included). Move the shared part into a module both can import.",
      from: { path: "^(lib|app|components)/" },
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import the check cannot resolve would hide its cycles: fix the path or the resolver options.",
      from: { path: "^(lib|app|components)/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|lib/db/generated)/" },
    tsPreCompilationDeps: true,
    // Resolves the `@/` alias the way TypeScript and Next do.
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
