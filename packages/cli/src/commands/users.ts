import type { Command } from 'commander';
import type { ApiKeyView } from '../client/views.js';
import type { CommandContext } from '../context.js';

/** What `POST /api/users` answers: the user and its first API key, shown this once. */
interface CreatedUser {
  readonly user: { readonly id: string; readonly name: string; readonly role: string };
  readonly apiKey: string;
  readonly key: ApiKeyView;
}

/** `catwalk users create <name>`: an admin adds a team member (`POST /api/users`). */
export function registerUsersCommands(program: Command, ctx: CommandContext): void {
  const users = program.command('users').description('Manage users (admin only).');
  users
    .command('create')
    .description('Create a user and its first API key; the key is shown this once.')
    .argument('<name>', "the user's name")
    .option('--json', 'print the API answer as JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const created = await (await ctx.client(command)).post<CreatedUser>('/api/users', { name });
      if (options.json === true) return ctx.printJson(created);
      ctx.print(
        `Created user ${created.user.name} (${created.user.id}). Their API key is shown this once:\n\n  ${ctx.style.bold(created.apiKey)}\n\n` +
          'Hand it over privately; they sign in with: catwalk login\n',
      );
    });
}
