import { Command } from 'commander';
import { startServer } from '@catwalk/http';
import { configFromEnvironment } from './config.js';

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
