import type { Logger, ReconcileReport } from '@catwalk/core';

/** The part of core's Reconcile the loop calls. */
export interface Reconciler {
  execute(): Promise<ReconcileReport>;
}

/** Options of the reconcile loop. */
export interface ReconcileLoopOptions {
  /** Seconds between runs (`CATWALK_RECONCILE_INTERVAL`, default 30 s). */
  readonly intervalMs?: number;
}

/**
 * Runs Reconcile at start-up and then every interval, never two at once. Each report is logged (counts and ids
 * only); a failing run is logged and the loop goes on.
 */
export class ReconcileLoop {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<ReconcileReport | undefined> | undefined;
  private stopped = true;

  constructor(
    private readonly reconciler: Reconciler,
    private readonly logger: Logger,
    private readonly options: ReconcileLoopOptions = {},
  ) {}

  /** Runs once now, then every interval. Resolves after the first run. */
  async start(): Promise<ReconcileReport | undefined> {
    this.stopped = false;
    const first = await this.runOnce();
    this.schedule();
    return first;
  }

  /** One reconciliation (joins the one in progress, if any). */
  runOnce(): Promise<ReconcileReport | undefined> {
    if (this.current) return this.current;
    this.current = this.reconciler
      .execute()
      .then(
        (report) => {
          if (report.failed.length + report.redeployed.length + report.orphans.length + report.errors.length > 0) {
            this.logger.info('reconciled', {
              checked: report.checked,
              failed: report.failed,
              redeployed: report.redeployed,
              orphans: report.orphans,
              destroyedOrphans: report.destroyedOrphans,
              errors: report.errors.length,
            });
          }
          return report;
        },
        (error: unknown) => {
          this.logger.error('reconcile failed', { code: typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'internal' });
          return undefined;
        },
      )
      .finally(() => {
        this.current = undefined;
      });
    return this.current;
  }

  /** Stops the loop; waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => this.schedule());
    }, this.options.intervalMs ?? 30_000);
    this.timer.unref();
  }
}
