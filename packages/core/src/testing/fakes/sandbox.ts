import type { ConfinedLaunch, Sandbox, SandboxLaunch, SandboxProbe } from '../../ports/index.js';

/**
 * A sandbox that confines nothing and records every launch it wraps (for orchestrator and start-up tests).
 * `confined` and the probe outcome are settable, to play either the bubblewrap or the `none` adapter.
 */
export class RecordingSandbox implements Sandbox {
  readonly name = 'recording';
  readonly launches: SandboxLaunch[] = [];

  constructor(
    readonly confined: boolean = true,
    private readonly probeResult: SandboxProbe = { ok: true },
  ) {}

  async wrap(launch: SandboxLaunch): Promise<ConfinedLaunch> {
    this.launches.push(launch);
    return { argv: [...launch.argv], env: { ...launch.env }, cwd: launch.cwd };
  }

  async probe(): Promise<SandboxProbe> {
    return this.probeResult;
  }
}
