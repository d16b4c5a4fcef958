import type { Command } from 'commander';
import type { ApiKeyView } from '../client/views.js';
import type { CommandContext } from '../context.js';
import { renderTable } from '../output/table.js';

function keysOf(answer: unknown): ApiKeyView[] {
  if (Array.isArray(answer)) return answer as ApiKeyView[];
  const body = answer as { keys?: ApiKeyView[]; items?: ApiKeyView[] };
  return body.keys ?? body.items ?? [];
}

/** `catwalk keys create|list|revoke`: the caller's API keys (`/api/keys`). */
export function registerKeysCommands(program: Command, ctx: CommandContext): void {
  const keys = program.command('keys').description('Manage your API keys.');
  keys
    .command('create')
    .description('Create an API key; it is shown this once.')
    .argument('[name]', 'a name to tell keys apart', 'cli')
    .option('--json', 'print the API answer as JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const created = await (await ctx.client(command)).post<{ apiKey: string; key: ApiKeyView }>('/api/keys', { name });
      if (options.json === true) return ctx.printJson(created);
      ctx.print(`Created API key ${created.key.id} (${created.key.name}). It is shown this once:\n\n  ${ctx.style.bold(created.apiKey)}\n\nUse it with: export CATWALK_API_KEY=<key>   (or: catwalk login)\n`);
    });
  keys
    .command('list')
    .alias('ls')
    .description('List your API keys (prefixes only, never the keys).')
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const answer = await (await ctx.client(command)).get<unknown>('/api/keys');
      if (options.json === true) return ctx.printJson(answer);
      const list = keysOf(answer);
      ctx.print(
        renderTable(
          ['ID', 'NAME', 'PREFIX', 'CREATED', 'LAST USED', 'STATE'],
          list.map((k) => [k.id, k.name, k.prefix, k.createdAt.slice(0, 19).replace('T', ' '), k.lastUsedAt?.slice(0, 19).replace('T', ' ') ?? '-', k.revokedAt === null ? ctx.style.green('active') : ctx.style.dim('revoked')]),
        ),
      );
    });
  keys
    .command('revoke')
    .description('Revoke one of your API keys; it stops working at once.')
    .argument('<id>', 'the key id (catwalk keys list)')
    .action(async (id: string, _options: unknown, command: Command) => {
      await (await ctx.client(command)).request({ method: 'DELETE', path: `/api/keys/${encodeURIComponent(id)}` });
      ctx.print(`Revoked ${id}.\n`);
    });
}
