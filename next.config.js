// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // FLOWDECK_NEXT_DIST_DIR lets two builds (e.g. two e2e runs on one machine) not share `.next`.
  // Next then adds that directory's types to tsconfig.json's "include": do not commit that change.
  distDir: process.env.FLOWDECK_NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // The designer saves through a server action (app/workflows/actions.ts): it takes the same body
  // size as the API routes (FLOWDECK_MAX_BODY_BYTES, see lib/http/api.ts), not Next's 1 MB default.
  // FLOWDECK_SOURCE_MAPS=1 (below) also leaves the server bundle unminified, so server CPU profiles
  // (`node --cpu-prof`, the performance notes in README) name the original functions.
  experimental: {
    serverActions: { bodySizeLimit: Number(process.env.FLOWDECK_MAX_BODY_BYTES ?? 5 * 1024 * 1024) },
    serverMinification: process.env.FLOWDECK_SOURCE_MAPS !== "1",
  },
  // Native and server-only packages stay external to the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "jsonata", "undici", "prom-client"],
  // `npm test` runs `tsc --noEmit` over the whole project; checking again in every build only
  // slows down `npm start`.
  typescript: { ignoreBuildErrors: true },
  // FLOWDECK_SOURCE_MAPS=1 at build time: browser source maps, so CPU profiles (bench/designer-scale.ts
  // --profile) name the original functions. Off by default: the maps would be served publicly.
  productionBrowserSourceMaps: process.env.FLOWDECK_SOURCE_MAPS === "1",
};

export default nextConfig;
