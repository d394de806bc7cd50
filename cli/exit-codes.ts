/** The exit codes of `flowdeck`, for shell scripts and CI to branch on (README "CLI"). */
export const EXIT = {
  /** The command did what it was asked; an awaited execution COMPLETED. */
  ok: 0,
  /** An execution FAILED, was TERMINATED or TIMED_OUT; or the server refused the operation (409, 5xx). */
  failed: 1,
  /** Usage error: bad arguments or options, an input file that is not JSON, a request the server refused as invalid (400) or naming something that does not exist (404). */
  usage: 2,
  /** `--wait` ran out of `--timeout` before every execution ended (they go on running). */
  waitTimedOut: 3,
  /** The server cannot be reached, or refuses the credentials (401, 403). */
  unreachable: 4,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  done; every awaited execution COMPLETED
  1  an execution FAILED, was TERMINATED or TIMED_OUT; or the server refused the operation (409, 5xx)
  2  usage error: bad arguments, input that is not JSON, a request the server found invalid (400) or a name it does not know (404)
  3  --wait timed out before every execution ended (they keep running)
  4  cannot reach the server, or it refuses the credentials (401/403)

Environment:
  FLOWDECK_URL    the server, e.g. http://localhost:3000 (or --url)
  FLOWDECK_TOKEN  an API token from Settings → API tokens (or --token)
  NO_COLOR        no colours (colours are used only on a terminal anyway)`;

/** An error that ends the command with `code` and prints `message` on stderr. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly details: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);
