import type { Command } from 'commander';
import { RotateCipherKey } from '@catwalk/core';
import { createContainer } from '@catwalk/adapters';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { configFromEnvironment } from './config.js';

/**
 * `catwalk secrets rotate-key`: re-seals every stored credential bundle with the current key of
 * `CATWALK_SECRET_KEYS` (the first entry). Works on the database directly, like `migrate`: with the embedded
 * database, stop the service first (one process at a time).
 */
export function registerSecretsCommands(program: Command, ctx: CommandContext): void {
  const secrets = program.command('secrets').description('Manage the keys that seal stored credentials.');
  secrets
    .command('rotate-key')
    .description('Re-seal all credentials with the current key (the first of CATWALK_SECRET_KEYS). Run with the service stopped when the database is embedded.')
    .option('--batch-size <n>', 'credentials re-sealed per transaction (1-1000)', '100')
    .option('--json', 'print the result as JSON')
    .action(async (options: { batchSize: string; json?: boolean }) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw usageError('--batch-size must be a whole number from 1 to 1000.');
      const catwalk = await createContainer(configFromEnvironment(), {}, {});
      try {
        const result = await catwalk.container.get(RotateCipherKey).execute({ batchSize });
        if (options.json === true) return ctx.printJson(result);
        ctx.print(`Re-sealed ${result.resealed} credential bundle(s) with key ${result.keyId} in ${result.batches} batch(es).\n`);
        if (result.unreadable.length > 0) {
          ctx.io.stderr.write(ctx.errStyle.yellow(`warning: ${result.unreadable.length} deployment(s) have credentials no configured key opens: ${result.unreadable.join(', ')}\n`));
        }
      } finally {
        await catwalk.close();
      }
    });
}
