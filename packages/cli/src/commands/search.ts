import type { Command } from 'commander';
import type { CatalogEntryView } from '../client/views.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { renderTable } from '../output/table.js';

function sourceHint(entry: CatalogEntryView): string {
  if (typeof entry.source === 'string') return entry.source;
  const pkg = entry.packages?.find((p) => p.name !== undefined);
  if (pkg?.name !== undefined) return `${pkg.runtime === 'python' ? 'pypi' : 'npm'}:${pkg.name}`;
  return entry.repositoryUrl ?? '';
}

/** `catwalk search <query>`. */
export function registerSearchCommand(program: Command, ctx: CommandContext): void {
  program
    .command('search')
    .description('Search MCP servers in the official MCP registry and Glama.')
    .argument('<query...>', 'words to search for')
    .option('--limit <n>', 'at most this many results (1-100)', '20')
    .option('--json', 'print the API answer as JSON')
    .action(async (words: string[], options: { limit: string; json?: boolean }, command: Command) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw usageError('--limit must be a whole number from 1 to 100.');
      const answer = await (await ctx.client(command)).get<{ entries: CatalogEntryView[]; degraded: { catalog: string; reason: string }[] }>('/api/catalog/search', {
        q: words.join(' '),
        limit,
      });
      if (options.json === true) return ctx.printJson(answer);
      for (const d of answer.degraded) ctx.io.stderr.write(ctx.errStyle.yellow(`warning: ${d.catalog} did not answer (${d.reason})\n`));
      if (answer.entries.length === 0) return ctx.print('No servers found.\n');
      ctx.print(
        renderTable(
          ['NAME', 'DEPLOY WITH', 'DESCRIPTION'],
          answer.entries.map((e) => {
            const description = (e.description ?? '').split('\n')[0] ?? '';
            return [e.title ?? e.name ?? '', sourceHint(e), description.length > 70 ? `${description.slice(0, 69)}…` : description];
          }),
        ),
      );
    });
}
