/** Exit codes of `catwalk` (documented in docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** The request was understood and refused (the API's message is printed). */
  userError: 1,
  /** Bad arguments or options. */
  usage: 2,
  /** The service could not be reached. */
  unreachable: 3,
} as const;

/** A failure the CLI reports as one line on stderr (never a stack trace) and maps to an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** The API's error code when the message came from the API. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad arguments (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage, 'usage');
}

/** A refusal the user can act on (exit 1). */
export function userError(message: string, code?: string): CliError {
  return new CliError(message, EXIT.userError, code);
}
