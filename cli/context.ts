import type { Command } from "commander";
import { Client } from "./client";
import { CliError, EXIT } from "./exit-codes";
import { createOutput, type Output } from "./output";

export type GlobalOptions = { url?: string; token?: string; json?: boolean; color?: boolean };
export type Context = { client: Client; output: Output };

/** The client and output of a command, from the global options and FLOWDECK_URL / FLOWDECK_TOKEN. */
export function contextOf(command: Command): Context {
  const options = command.optsWithGlobals<GlobalOptions>();
  const url = options.url ?? process.env.FLOWDECK_URL;
  if (!url) throw new CliError("no server: set FLOWDECK_URL (e.g. http://localhost:3000) or pass --url", EXIT.usage);
  const token = options.token ?? process.env.FLOWDECK_TOKEN;
  return { client: new Client({ url, token: token || undefined }), output: createOutput(options) };
}

/** A positive integer option (commander gives strings). */
export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new CliError(`${name} must be a positive integer; got '${value}'`, EXIT.usage);
    return Number(value);
  };
}

export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || !(n > 0)) throw new CliError(`${name} must be a positive number of seconds; got '${value}'`, EXIT.usage);
    return n;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
