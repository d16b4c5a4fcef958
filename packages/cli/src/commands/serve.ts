import { homedir } from 'node:os';
import { Command } from 'commander';
import { startServer } from '@catwalk/http';
import { cliConfigPath, readCliConfig, writeCliConfig } from '../client/settings.js';
import { configFromEnvironment } from './config.js';

/**
 * Saves the service's URL and the new admin key as the CLI's settings (`$CATWALK_HOME/cli.json`, mode 0600), so
 * the CLI on this machine works at once without `catwalk login`. A file that points at another service (a login
 * elsewhere) is left alone. Returns the path written, or undefined.
 */
async function saveCliSettings(url: string, apiKey: string): Promise<string | undefined> {
  const io = { env: process.env, homeDir: homedir(), stderr: process.stderr };
  const existing = await readCliConfig(io).catch(() => undefined);
  if (existing === undefined || (existing.url !== undefined && existing.url !== url)) return undefined;
  return writeCliConfig(io, { url, apiKey });
}

/** `catwalk serve [--port N] [--host H]`: the service on the configured (by default embedded) database. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Start the Catwalk service (API and MCP gateway). Embedded database and local processes by default.')
    .option('-p, --port <port>', 'port to listen on (default 7420, or CATWALK_PORT / PORT)')
    .option('-H, --host <host>', 'interface to listen on (default 127.0.0.1, or CATWALK_HOST)')
    .action(async (options: { port?: string; host?: string }) => {
      const config = configFromEnvironment(options);
      const running = await startServer(config);
      process.stdout.write(`Catwalk is listening on ${running.url}\n`);
      if (running.publicUrl !== running.url) process.stdout.write(`Endpoints are handed out under ${running.publicUrl}\n`);
      if (running.adminApiKey !== undefined) {
        process.stdout.write(
          `\nFirst start: created the admin user. Its API key is shown this once; keep it safe:\n\n  ${running.adminApiKey}\n\n` +
            `Use it as: curl -H "Authorization: Bearer ${running.adminApiKey}" ${running.url}/api/deployments\n`,
        );
        const saved = await saveCliSettings(running.url, running.adminApiKey);
        process.stdout.write(
          saved === undefined
            ? `${cliConfigPath({ env: process.env, homeDir: homedir() })} points at another service; run \`catwalk login\` to use this one.\n`
            : `Saved it for the catwalk CLI on this machine in ${saved} (mode 0600).\n`,
        );
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.stdout.write('Stopping…\n');
          void running.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
