import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/cli. */
export const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The argv that runs the CLI from its TypeScript sources (no build needed), the way the package's tests load
 * code: node with the `@catwalk/source` condition and tsx. Run it with `cwd: CLI_DIR` so tsx resolves.
 */
export function cliArgv(...args: string[]): string[] {
  return [process.execPath, '--conditions=@catwalk/source', '--import', 'tsx', join(CLI_DIR, 'src', 'main.ts'), ...args];
}
