import type { Command } from 'commander';
import { Option } from 'commander';
import type { CommandContext } from '../context.js';
import { runBridge } from '@catwalk/adapters';
import { usageError } from '../errors.js';

/** Resolves when the process is asked to stop. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `catwalk bridge --runtime npm --package name@1.2.3 [--host H] [--port N] [--upstream-token-env VAR] [--scheduling P] -- [args…]`:
 * the entrypoint of the runner image (Fly machines). Runs one MCP server over stdio behind the Streamable-HTTP
 * bridge until SIGTERM.
 */
export function registerBridgeCommand(program: Command, ctx: CommandContext): void {
  program
    .command('bridge')
    .description('Run one MCP server (stdio) behind a Streamable-HTTP endpoint: the runner image entrypoint.')
    .addOption(new Option('--runtime <runtime>', 'package runtime').choices(['npm', 'python']).makeOptionMandatory())
    .requiredOption('--package <spec>', 'exact package: name@1.2.3 (npm) or name==1.2.3 (PyPI)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--upstream-token-env <name>', 'environment variable holding the secret callers must present (required beyond loopback)')
    .addOption(new Option('--scheduling <policy>', "the server's Linux scheduling policy (batch: SCHED_BATCH via chrt)").choices(['batch', 'normal']).default('batch'))
    .argument('[args...]', 'arguments passed to the server after --')
    .action(async (args: string[], options: { runtime: 'npm' | 'python'; package: string; host: string; port: string; upstreamTokenEnv?: string; scheduling: 'batch' | 'normal' }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('--port must be a port number.');
      const running = await runBridge({
        runtime: options.runtime,
        package: options.package,
        args,
        port,
        host: options.host,
        scheduling: options.scheduling,
        ...(options.upstreamTokenEnv === undefined ? {} : { upstreamTokenEnv: options.upstreamTokenEnv }),
      });
      ctx.io.stderr.write(`catwalk bridge: ${options.package} on ${running.server.url}\n`);
      await untilSignal();
      await running.stop();
    });
}
