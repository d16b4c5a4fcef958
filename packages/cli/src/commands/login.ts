import type { Command } from 'commander';
import { ApiClient } from '../client/apiClient.js';
import { readCliConfig, resolveClientSettings, writeCliConfig } from '../client/settings.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { Prompter } from '../input/prompter.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/**
 * `catwalk login`: checks an API key against the service and saves URL and key to `$CATWALK_HOME/cli.json`
 * (mode 0600). The key is asked for hidden on a terminal, or read from stdin (never from argv, where other
 * users could see it in the process table).
 */
export function registerLoginCommand(program: Command, ctx: CommandContext): void {
  program
    .command('login')
    .description('Save the service URL and your API key to $CATWALK_HOME/cli.json (mode 0600).')
    .option('--api-key-stdin', 'read the API key from stdin instead of asking')
    .action(async (options: { apiKeyStdin?: boolean }, command: Command) => {
      const settings = await resolveClientSettings(ctx.io, { url: command.optsWithGlobals<{ url?: string }>().url });
      const prompter = new Prompter(ctx.io);
      let apiKey: string;
      if (options.apiKeyStdin === true || !prompter.interactive) apiKey = (await readAll(ctx.io.stdin)).trim();
      else apiKey = (await prompter.ask(`API key for ${settings.url} (hidden): `, { secret: true })).trim();
      if (apiKey === '') throw usageError('No API key given.');
      const client = new ApiClient({ url: settings.url, apiKey });
      await client.get('/api/deployments', { limit: 1 });
      const previous = await readCliConfig(ctx.io);
      const path = await writeCliConfig(ctx.io, { ...previous, url: settings.url, apiKey });
      ctx.print(`Logged in to ${settings.url}; saved to ${path}.\n`);
    });
}
