import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CatwalkError, type ConfinedLaunch, type Sandbox, type SandboxLaunch, type SandboxProbe } from '@catwalk/core';

/**
 * No confinement: the server runs as the control plane's Unix user and can read everything that user can,
 * `$CATWALK_HOME` included. Only selected when an operator sets `CATWALK_SANDBOX=none` explicitly; start-up then
 * logs a warning and a second user is refused unless `CATWALK_ALLOW_UNSANDBOXED_MULTIUSER=1`.
 */
export class NoSandbox implements Sandbox {
  readonly name = 'none';
  readonly confined = false;

  constructor(private readonly options: { readonly home: string }) {}

  async wrap(launch: SandboxLaunch): Promise<ConfinedLaunch> {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(launch.deploymentId)) throw new CatwalkError('invalid_input', 'Invalid deployment id.');
    const dir = join(this.options.home, 'deployments', launch.deploymentId);
    mkdirSync(join(dir, 'home'), { recursive: true, mode: 0o700 });
    mkdirSync(join(dir, 'tmp'), { recursive: true, mode: 0o700 });
    return { argv: [...launch.argv], env: { ...launch.env }, cwd: launch.cwd };
  }

  async probe(): Promise<SandboxProbe> {
    return { ok: true };
  }
}
