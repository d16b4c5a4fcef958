import { Command } from 'commander';
import { migrateDatabase } from '@catwalk/adapters';
import { configFromEnvironment } from './config.js';

/** `catwalk migrate`: runs pending database migrations (the embedded database or DATABASE_URL) and exits. */
export function migrateCommand(): Command {
  return new Command('migrate').description('Run pending database migrations and exit.').action(async () => {
    const ran = await migrateDatabase(configFromEnvironment());
    process.stdout.write(ran.length === 0 ? 'The database schema is up to date.\n' : `Ran ${ran.length} migration(s): ${ran.join(', ')}\n`);
  });
}
