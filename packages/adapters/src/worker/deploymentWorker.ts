import type { DeploymentRepository, Logger, RunDeploymentInput, RunDeploymentResult } from '@catwalk/core';

/** The part of core's RunDeployment the worker calls. */
export interface DeploymentRunner {
  execute(input: RunDeploymentInput): Promise<RunDeploymentResult>;
}

/** Options of the deployment worker. */
export interface DeploymentWorkerOptions {
  /** Deployments run at once (`CATWALK_WORKER_CONCURRENCY`, default 4). */
  readonly concurrency?: number;
  /** How often the queue is polled when idle (default 1 s); `wake()` polls at once. */
  readonly pollIntervalMs?: number;
  /** How long `stop()` waits for runs in flight before giving up on them (default 60 s). */
  readonly stopGraceMs?: number;
}

/**
 * Runs pending deployments with bounded concurrency. Claiming is core's RunDeployment (compare-and-set
 * pending → deploying), so several workers or replicas can poll the same table: the loser of a claim skips.
 * `stop()` stops claiming and waits for the runs in flight to finish; a run cut short by a hard exit stays
 * `deploying` and is failed or retried by Reconcile at the next start.
 */
export class DeploymentWorker {
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<unknown> | undefined;
  private again = false;
  private stopped = true;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly deployments: Pick<DeploymentRepository, 'listByStatus'>,
    private readonly runner: DeploymentRunner,
    private readonly logger: Logger,
    private readonly options: DeploymentWorkerOptions = {},
  ) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
    this.pollIntervalMs = Math.max(10, options.pollIntervalMs ?? 1000);
  }

  /** Deployments being run now. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Starts polling. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wake();
  }

  /** Polls now (call after creating or restarting a deployment). */
  wake(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.polling = this.poll().finally(() => {
      this.polling = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        this.timer = setTimeout(() => this.wake(), this.pollIntervalMs);
        this.timer.unref();
      }
    });
  }

  /** Claims and starts as many pending deployments as there are free slots; resolves with how many started. */
  async poll(): Promise<number> {
    const free = this.concurrency - this.running.size;
    if (free <= 0) return 0;
    let pending;
    try {
      pending = await this.deployments.listByStatus(['pending'], free + this.running.size);
    } catch (error) {
      this.logger.warn('worker could not read the queue', { code: codeOf(error) });
      return 0;
    }
    let started = 0;
    for (const row of pending) {
      if (this.stopped || this.running.size >= this.concurrency) break;
      if (this.running.has(row.id)) continue;
      started++;
      const run = this.runOne(row.id).finally(() => {
        this.running.delete(row.id);
        this.wake(); // a slot is free: look for more work
      });
      this.running.set(row.id, run);
    }
    return started;
  }

  /** Stops claiming; waits for runs in flight (up to the grace period). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    const grace = this.options.stopGraceMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running.values()]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, grace);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (this.running.size > 0) this.logger.warn('worker stopped with deployments in flight; reconciliation will settle them', { count: this.running.size });
  }

  private async runOne(deploymentId: string): Promise<void> {
    try {
      const result = await this.runner.execute({ deploymentId });
      if (result.outcome === 'failed') this.logger.info('deployment failed', { deploymentId });
      else if (result.outcome === 'running') this.logger.info('deployment running', { deploymentId });
    } catch (error) {
      // Storage failures: the row stays where it is; the next poll or Reconcile picks it up.
      this.logger.error('deployment run failed', { deploymentId, code: codeOf(error) });
    }
  }
}

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof (error as { code: unknown }).code === 'string'
    ? (error as { code: string }).code
    : 'internal';
}
