/**
 * The `catwalk` program: every command registered on one commander program, and the mapping of failures to
 * exit codes (0 ok, 1 user error with the API's message, 2 usage, 3 service unreachable). No stack traces for
 * anything the user can act on.
 */
import { Command, CommanderError } from 'commander';
import { isCatwalkError } from '@catwalk/core';
import { registerAnalyzeCommand } from './commands/analyze.js';
import { registerBridgeCommand } from './commands/bridge.js';
import { registerDeployCommand } from './commands/deploy.js';
import { registerDeploymentCommands } from './commands/deployments.js';
import { registerKeysCommands } from './commands/keys.js';
import { registerUsersCommands } from './commands/users.js';
import { registerLoginCommand } from './commands/login.js';
import { migrateCommand } from './commands/migrate.js';
import { registerSearchCommand } from './commands/search.js';
import { registerSecretsCommands } from './commands/secrets.js';
import { serveCommand } from './commands/serve.js';
import { createContext } from './context.js';
import type { ContextOptions } from './context.js';
import { CliError, EXIT } from './errors.js';
import type { CliIo } from './io.js';

/** The CLI's version (printed by --version and sent as the User-Agent). */
export const CLI_VERSION = '0.1.0';

/** Applies exit-override and output routing to a command and all its subcommands (added ones included). */
function configureTree(command: Command, io: CliIo): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => void io.stdout.write(text),
    writeErr: (text) => void io.stderr.write(text),
    outputError: (text, write) => write(text.startsWith('error:') ? `catwalk: ${text}` : text),
  });
  command.showSuggestionAfterError(true);
  for (const child of command.commands) configureTree(child, io);
}

/** Builds the program for `io` (exported so tests run commands in-process). */
export function buildProgram(io: CliIo, options: ContextOptions = {}): Command {
  const ctx = createContext(io, options);
  const program = new Command('catwalk')
    .description('Run any MCP server from a GitHub URL or a package name, behind an authenticated Streamable-HTTP endpoint.')
    .version(CLI_VERSION)
    .option('--url <url>', 'the Catwalk service (default: CATWALK_URL, then $CATWALK_HOME/cli.json, then http://127.0.0.1:7420)')
    .addHelpText(
      'after',
      '\nEnvironment: CATWALK_URL, CATWALK_API_KEY, CATWALK_HOME (default ~/.catwalk), NO_COLOR.\nExit codes: 0 ok, 1 refused (the API says why), 2 usage, 3 service unreachable.\nDocs: docs/cli.md',
    );
  program.addCommand(serveCommand());
  program.addCommand(migrateCommand());
  registerAnalyzeCommand(program, ctx);
  registerDeployCommand(program, ctx);
  registerDeploymentCommands(program, ctx);
  registerSearchCommand(program, ctx);
  registerKeysCommands(program, ctx);
  registerUsersCommands(program, ctx);
  registerSecretsCommands(program, ctx);
  registerLoginCommand(program, ctx);
  registerBridgeCommand(program, ctx);
  configureTree(program, io);
  return program;
}

/** The exit code and one-line message for a failure. */
export function describeFailure(error: unknown): { exitCode: number; message: string | undefined } {
  if (error instanceof CommanderError) {
    // --help and --version "fail" with code 0; anything else (bare `catwalk` included) is a usage error, whose
    // message commander already printed.
    return { exitCode: error.exitCode === 0 ? EXIT.ok : EXIT.usage, message: undefined };
  }
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (isCatwalkError(error)) return { exitCode: EXIT.userError, message: error.message };
  return { exitCode: EXIT.userError, message: `unexpected error: ${error instanceof Error ? error.message : String(error)}` };
}

/** Runs the CLI with `argv` (the user's arguments, without node and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo, options: ContextOptions = {}): Promise<number> {
  try {
    await buildProgram(io, options).parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    const { exitCode, message } = describeFailure(error);
    if (message !== undefined) io.stderr.write(`catwalk: ${message}\n`);
    if (io.env['CATWALK_DEBUG'] === '1' && error instanceof Error && !(error instanceof CliError) && !(error instanceof CommanderError)) io.stderr.write(`${error.stack ?? ''}\n`);
    return exitCode;
  }
}
