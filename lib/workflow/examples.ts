/**
 * The example workflows shipped in examples/ (seeded into the database on first start, and used
 * by the engine's and the e2e tests). The files are canonical (`serializeDefinition` output) and
 * carry no version: the server assigns versions.
 */
import buildTestDeploy from "../../examples/build-test-deploy.json";
import childProcessItem from "../../examples/child-process-item.json";
import deployHook from "../../examples/deploy-hook.json";
import nightlyReport from "../../examples/nightly-report.json";
import parentMapChildren from "../../examples/parent-map-children.json";
import serialChain from "../../examples/serial-chain.json";
import userEmail from "../../examples/user-email.json";
import { workflowDefinitionSchema, type WorkflowDefinition } from "./schema";

/** File name (without .json) → definition as written in the file. */
export const exampleFiles: Readonly<Record<string, unknown>> = {
  "build-test-deploy": buildTestDeploy,
  "child-process-item": childProcessItem,
  "deploy-hook": deployHook,
  "nightly-report": nightlyReport,
  "parent-map-children": parentMapChildren,
  "serial-chain": serialChain,
  "user-email": userEmail,
};

/**
 * The examples as definitions; a child workflow comes before the workflows that run it, so that
 * seeding them in this order never saves a reference to a workflow that does not exist yet.
 */
export const exampleDefinitions: WorkflowDefinition[] = [
  childProcessItem,
  parentMapChildren,
  buildTestDeploy,
  serialChain,
  userEmail,
  nightlyReport,
  deployHook,
].map((definition) => workflowDefinitionSchema.parse(definition));
