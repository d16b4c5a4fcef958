import { homedir } from 'node:os';
import { loadConfig } from '@catwalk/core';
import type { CatwalkConfig } from '@catwalk/core';

/** The configuration from the environment, with command-line overrides of host and port. */
export function configFromEnvironment(overrides: { host?: string | undefined; port?: string | undefined } = {}): CatwalkConfig {
  const env: Record<string, string | undefined> = { ...process.env };
  if (overrides.host !== undefined) env['CATWALK_HOST'] = overrides.host;
  if (overrides.port !== undefined) env['CATWALK_PORT'] = overrides.port;
  return loadConfig(env, { home: homedir() });
}
