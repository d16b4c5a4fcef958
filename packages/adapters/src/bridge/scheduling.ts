import { execFile } from 'node:child_process';
import { SYSTEM_SEARCH_PATH, findExecutable } from './launch.js';
import type { LaunchCommand } from './stdioChild.js';

/** How MCP server children are scheduled by Linux. */
export type ServerScheduling = 'batch' | 'normal';

/** Options of {@link ChildScheduling}. */
export interface ChildSchedulingOptions {
  /** The chrt binary (default: found in the system directories); null: none here. */
  readonly chrtPath?: string | null;
  /** Told once, with the reason, when `batch` was asked for but cannot be applied here (the servers then run `normal`). */
  readonly onUnavailable?: (reason: string) => void;
}

/**
 * Runs MCP servers under SCHED_BATCH (`chrt --batch 0 <program> …`, which sets the policy and execs the program:
 * no extra process stays, and everything the server starts inherits the policy).
 *
 * Why: the process that bridges a server (the control plane, or `catwalk bridge` on a Fly machine) writes each
 * request to the server's stdin and then has a little left to do. A SCHED_NORMAL server woken by that write may
 * preempt the bridge on its CPU at once, so the bridge finishes its part only after a second context switch and
 * with its caches evicted by the server's run. A SCHED_BATCH task never preempts on wake-up (the kernel leaves
 * that to the tick) but keeps the same weight, so it gets the same share of CPU. Measured in docs/operations.md.
 *
 * Setting the policy needs no privilege. Whether it works here is checked once, by running chrt itself under the
 * policy; when chrt is missing or refused (a seccomp profile, say), servers run `normal` and `onUnavailable` is told.
 */
export class ChildScheduling {
  #chrt: Promise<string | undefined> | undefined;

  constructor(
    readonly policy: ServerScheduling,
    private readonly options: ChildSchedulingOptions = {},
  ) {}

  /** The launch to spawn: under chrt for `batch` where it works, else the same launch. */
  async apply(launch: LaunchCommand): Promise<LaunchCommand> {
    if (this.policy === 'normal') return launch;
    const chrt = await (this.#chrt ??= this.#probe());
    if (chrt === undefined) return launch;
    // chrt stops reading options at its first operand (the priority), so the program is never taken for one.
    return { ...launch, command: chrt, args: ['--batch', '0', launch.command, ...launch.args] };
  }

  async #probe(): Promise<string | undefined> {
    const chrt = this.options.chrtPath === null ? undefined : (this.options.chrtPath ?? findExecutable('chrt', SYSTEM_SEARCH_PATH));
    if (chrt === undefined) return this.#unavailable('chrt (util-linux) is not installed');
    const refusal = await new Promise<string | undefined>((resolve) => {
      execFile(chrt, ['--batch', '0', chrt, '--version'], { timeout: 10_000 }, (error, _stdout, stderr) => {
        resolve(error === null ? undefined : (stderr.trim().split('\n')[0] ?? '') || error.message);
      });
    });
    return refusal === undefined ? chrt : this.#unavailable(`chrt --batch failed: ${refusal}`);
  }

  #unavailable(reason: string): undefined {
    this.options.onUnavailable?.(`${reason}; MCP servers run with the normal scheduling policy`);
    return undefined;
  }
}
