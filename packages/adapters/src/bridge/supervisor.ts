import type { McpBridge } from './mcpBridge.js';
import type { LogRing } from './logRing.js';
import { StdioChild, type LaunchCommand } from './stdioChild.js';

/** Timers the supervisor uses; injectable so tests drive backoff without sleeping. */
export interface SupervisorTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: SupervisorTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Restart policy: exponential backoff and a crash-loop limit. */
export interface RestartPolicy {
  /** First restart delay (default 1 s); doubles per consecutive crash. */
  readonly initialDelayMs?: number;
  /** Largest restart delay (default 60 s). */
  readonly maxDelayMs?: number;
  /** Crashes within `crashWindowMs` that make the machine `failed` (default 5 in 5 min). */
  readonly maxCrashes?: number;
  readonly crashWindowMs?: number;
  /** Time between SIGTERM and SIGKILL on stop (default 5 s). */
  readonly stopGraceMs?: number;
  /** How long the server may take to answer `initialize` (default 60 s: npx may download first). */
  readonly initializeTimeoutMs?: number;
}

export type SupervisedState = 'starting' | 'running' | 'stopped' | 'failed';

/**
 * Owns one MCP server child for a bridge: starts it, attaches it to the bridge, restarts it on crash with
 * exponential backoff (1 s → 60 s), gives up after a crash loop (state `failed`, with the last stderr lines as
 * the reason, already masked by the log ring), and stops it with SIGTERM to its process group then SIGKILL.
 */
export class Supervisor {
  state: SupervisedState = 'stopped';
  /** User-safe reason of the last failure (masked stderr tail). */
  detail: string | undefined;
  private child: StdioChild | undefined;
  private crashes: number[] = [];
  private consecutive = 0;
  private restartTimer: unknown;
  private startedAt = 0;
  private stopping = false;
  private readonly policy: Required<RestartPolicy>;
  private stateWaiters: (() => void)[] = [];
  /** Children whose end was already counted (exit and a failed initialize may both report it). */
  private readonly exitHandled = new WeakSet<StdioChild>();

  constructor(
    private readonly bridge: McpBridge,
    private launch: LaunchCommand,
    private readonly log: LogRing,
    policy: RestartPolicy = {},
    private readonly timers: SupervisorTimers = realTimers,
  ) {
    this.policy = {
      initialDelayMs: policy.initialDelayMs ?? 1000,
      maxDelayMs: policy.maxDelayMs ?? 60_000,
      maxCrashes: policy.maxCrashes ?? 5,
      crashWindowMs: policy.crashWindowMs ?? 5 * 60_000,
      stopGraceMs: policy.stopGraceMs ?? 5000,
      initializeTimeoutMs: policy.initializeTimeoutMs ?? 60_000,
    };
  }

  /** The pid of the current child (its process group id too). */
  get pid(): number | undefined {
    return this.child?.alive ? this.child.pid : undefined;
  }

  /** Starts the child (again), optionally with a new launch command (credentials changed). */
  start(launch?: LaunchCommand): void {
    if (launch !== undefined) this.launch = launch;
    this.cancelRestart();
    this.stopping = false;
    this.crashes = [];
    this.consecutive = 0;
    this.detail = undefined;
    if (this.child?.alive) return;
    this.spawn();
  }

  /** Stops the child: SIGTERM to its group, SIGKILL after the grace period; resolves once it exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelRestart();
    const child = this.child;
    this.bridge.detach();
    this.setState('stopped');
    if (child === undefined || !child.alive) return;
    await new Promise<void>((resolve) => {
      const killTimer = setTimeout(() => child.signal('SIGKILL'), this.policy.stopGraceMs);
      child.process.once('exit', () => {
        clearTimeout(killTimer);
        resolve();
      });
      child.signal('SIGTERM');
      if (!child.alive) {
        clearTimeout(killTimer);
        resolve();
      }
    });
  }

  /** Kills the child's group at once, synchronously (control-plane exit). */
  killNow(): void {
    this.stopping = true;
    this.cancelRestart();
    this.child?.signal('SIGKILL');
  }

  /** Resolves when the state is one of `states`. */
  waitFor(states: readonly SupervisedState[]): Promise<SupervisedState> {
    if (states.includes(this.state)) return Promise.resolve(this.state);
    return new Promise((resolve) => {
      const check = (): void => {
        if (states.includes(this.state)) {
          this.stateWaiters = this.stateWaiters.filter((w) => w !== check);
          resolve(this.state);
        }
      };
      this.stateWaiters.push(check);
    });
  }

  private setState(state: SupervisedState): void {
    this.state = state;
    for (const w of [...this.stateWaiters]) w();
  }

  private spawn(): void {
    this.setState('starting');
    this.startedAt = this.timers.now();
    const child = new StdioChild(this.launch, this.log);
    this.child = child;
    child.process.once('exit', () => this.onExit(child));
    child.process.once('error', () => this.onExit(child));
    this.bridge.attach(child, this.policy.initializeTimeoutMs).then(
      () => {
        if (this.child === child && child.alive && !this.stopping) this.setState('running');
      },
      () => {
        if (this.child !== child || this.stopping) return;
        this.log.push('system', 'the server did not answer initialize');
        child.signal('SIGKILL');
        if (!child.alive) this.onExit(child);
      },
    );
  }

  private onExit(child: StdioChild): void {
    if (this.child !== child || this.stopping || this.exitHandled.has(child)) return;
    this.exitHandled.add(child);
    if (this.state === 'failed') return;
    this.bridge.detach();
    const now = this.timers.now();
    // A run longer than the largest backoff counts as healthy: the next crash starts the backoff over.
    if (now - this.startedAt > this.policy.maxDelayMs) this.consecutive = 0;
    this.consecutive++;
    this.crashes = [...this.crashes.filter((t) => now - t < this.policy.crashWindowMs), now];
    if (this.crashes.length >= this.policy.maxCrashes) {
      this.detail = this.reason();
      this.log.push('system', `crash loop: ${this.crashes.length} crashes within ${Math.round(this.policy.crashWindowMs / 1000)} s, giving up`);
      this.setState('failed');
      return;
    }
    const delay = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** (this.consecutive - 1));
    this.log.push('system', `restarting in ${delay} ms`);
    this.setState('starting');
    this.restartTimer = this.timers.setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.spawn();
    }, delay);
  }

  private reason(): string {
    const lines = this.log
      .tail(50)
      .filter((l) => l.stream === 'stderr')
      .slice(-5)
      .map((l) => l.line);
    const tail = lines.length > 0 ? `: ${lines.join(' | ')}` : '';
    return `The MCP server kept crashing (${this.crashes.length} times in ${Math.round(this.policy.crashWindowMs / 60_000)} min)${tail}`.slice(0, 2000);
  }

  private cancelRestart(): void {
    if (this.restartTimer !== undefined) this.timers.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}
