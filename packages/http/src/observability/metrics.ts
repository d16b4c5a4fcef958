import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeploymentStatus } from '@catwalk/core';
import type { GatewayObserver, GatewayOutcome } from '../gateway/gateway.js';

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
  readonly #gatewayCalls: Counter<'outcome' | 'status'>;
  readonly #gatewayLatency: Histogram<'outcome'>;
  readonly #gatewayCallSeries = new Map<string, { inc(): void }>();
  readonly #gatewayLatencySeries = new Map<GatewayOutcome, { observe(value: number): void }>();

  constructor(countDeployments: DeploymentCounter) {
    collectDefaultMetrics({ register: this.registry, prefix: 'catwalk_' });
    this.#requests = new Counter({ name: 'catwalk_http_requests_total', help: 'Control-plane API requests.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.#latency = new Histogram({
      name: 'catwalk_http_request_duration_seconds',
      help: 'Control-plane API latency.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [this.registry],
    });
    this.#gatewayCalls = new Counter({ name: 'catwalk_gateway_requests_total', help: 'MCP gateway requests by outcome.', labelNames: ['outcome', 'status'], registers: [this.registry] });
    this.#gatewayLatency = new Histogram({
      name: 'catwalk_gateway_request_duration_seconds',
      help: 'MCP gateway time to the end of the response (long for SSE streams).',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 10, 60, 300],
      registers: [this.registry],
    });
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

  onResult(outcome: GatewayOutcome, status: number, startedAt: bigint): void {
    // Every tool call passes here: the labelled series are looked up once and kept (prom-client would hash the
    // label set on each call otherwise).
    const key = `${outcome} ${status}`;
    let calls = this.#gatewayCallSeries.get(key);
    if (calls === undefined) this.#gatewayCallSeries.set(key, (calls = this.#gatewayCalls.labels(outcome, String(status))));
    calls.inc();
    let latency = this.#gatewayLatencySeries.get(outcome);
    if (latency === undefined) this.#gatewayLatencySeries.set(outcome, (latency = this.#gatewayLatency.labels(outcome)));
    latency.observe(Number(process.hrtime.bigint() - startedAt) / 1e9);
  }
}
