/**
 * `flowdeck`, the command line of Flowdeck (bin/flowdeck.mjs runs this through tsx). Argument
 * parsing is commander's (a well-kept parser: help for every command, required options, variadic
 * arguments, usage errors); every command is a thin client of the REST API (cli/client.ts).
 */
import { Command, CommanderError, Option } from "commander";
import packageJson from "@/package.json";
import { CliError, EXIT, EXIT_CODES_HELP } from "./exit-codes";
import { colorsFor } from "./output";
import { registerWorkflow } from "./commands/workflow";
import { registerExecute } from "./commands/execute";
import { registerExecutions } from "./commands/executions";
import { registerOperations } from "./commands/operations";
import { registerApply } from "./commands/apply";
import { registerWorker } from "./commands/worker";
import { registerTest } from "./commands/test";

export function buildProgram(): Command {
  const program = new Command("flowdeck")
    .description("Flowdeck from the command line: workflows, executions and operator actions over the REST API")
    .version(packageJson.version, "-V, --version")
    .addOption(new Option("--url <url>", "the Flowdeck server (default: $FLOWDECK_URL)"))
    .addOption(new Option("--token <token>", "an API token (default: $FLOWDECK_TOKEN)"))
    .option("--json", "machine-readable JSON on stdout")
    .option("--no-color", "no colours (they are used only on a terminal anyway)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text), writeOut: (text) => process.stdout.write(text) })
    .addHelpText("afterAll", EXIT_CODES_HELP);
  program.enablePositionalOptions(false);
  registerWorkflow(program);
  registerExecute(program);
  registerExecutions(program);
  registerOperations(program);
  registerApply(program);
  registerWorker(program);
  registerTest(program);
  for (const command of program.commands) {
    command.showHelpAfterError("(run with --help for usage)");
    for (const sub of command.commands) sub.showHelpAfterError("(run with --help for usage)");
  }
  return program;
}

/** Runs the CLI; answers the exit code (bin/flowdeck.mjs sets it). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return EXIT.ok;
      // commander printed the message already.
      return EXIT.usage;
    }
    const color = colorsFor(process.stderr, argv.includes("--no-color"));
    if (error instanceof CliError) {
      process.stderr.write(`${color.red("error")} ${error.message}\n`);
      for (const detail of error.details) process.stderr.write(`  ${detail.path || "(body)"}: ${detail.message}\n`);
      return error.code;
    }
    process.stderr.write(`${color.red("error")} ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
