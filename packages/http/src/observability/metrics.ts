import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeploymentStatus } from '@catwalk/core';
import type { GatewayObserver, GatewayOutcome } from '../gateway/gateway.js';
import { GatewayCallMetrics } from './gatewayMetrics.js';

/** Reads deployment counts per status when /metrics is scraped. */
export type DeploymentCounter = () => Promise<Record<DeploymentStatus, number>>;

/**
 * The service's Prometheus metrics, in a registry of its own (so several apps in one process, as in tests, do
 * not collide): API requests and latencies by route, gateway calls by outcome, deployments by status, and
 * Node's default process metrics.
 */
export class ServiceMetrics implements GatewayObserver {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #latency: Histogram<'method' | 'route'>;
  readonly #gateway: GatewayCallMetrics;

  constructor(countDeployments: DeploymentCounter) {
    // Event-loop delay sampled every 100 ms, not prom-client's default 10 ms: an idle service then wakes 10 times a
    // second for it instead of 100 (each wake-up costs CPU and evicts the hot path from the caches).
    collectDefaultMetrics({ register: this.registry, prefix: 'catwalk_', eventLoopMonitoringPrecision: 100 });
    this.#requests = new Counter({ name: 'catwalk_http_requests_total', help: 'Control-plane API requests.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.#latency = new Histogram({
      name: 'catwalk_http_request_duration_seconds',
      help: 'Control-plane API latency.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [this.registry],
    });
    this.#gateway = new GatewayCallMetrics(this.registry);
    new Gauge({
      name: 'catwalk_deployments',
      help: 'Deployments by status.',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const counts = await countDeployments();
        for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
      },
    });
  }

  /** Records one API request; `route` is the route pattern (never the raw path, which holds ids). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.#requests.inc({ method, route, status: String(status) });
    this.#latency.observe({ method, route }, seconds);
  }

  onResult(outcome: GatewayOutcome, status: number, startedAt: number): void {
    this.#gateway.record(outcome, status, (performance.now() - startedAt) / 1000);
  }
}
