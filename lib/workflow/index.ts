/**
 * The workflow definition model: schema, validation, graph, expressions, canonical JSON, JSON
 * Schema, task type metadata. Pure TypeScript that runs in the browser and on the server.
 */
export * from "./schema";
export * from "./paths";
export * from "./expressions";
export * from "./graph";
export * from "./validate";
export * from "./references";
export * from "./switch-branches";
export * from "./well-formed";
export * from "./canonical";
export * from "./json-schema";
export * from "./task-types";
export * from "./input-defaults";
export * from "./prepare";
export * from "./json-depth";
