/**
 * Where the theme switch (components/theme-toggle.tsx) keeps the choice; the layout's first
 * script reads it before the first paint. A plain module: the server layout reads it as a value.
 */
export const THEME_STORAGE_KEY = "flowdeck-theme";
