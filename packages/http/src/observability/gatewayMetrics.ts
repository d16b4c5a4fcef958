import type { Metric, Registry } from 'prom-client';
import type { GatewayOutcome } from '../gateway/gateway.js';

/** Upper bounds of the gateway latency histogram, in seconds (long ones are SSE streams). */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 10, 60, 300] as const;

/** Counts and latencies of one outcome. */
interface OutcomeCells {
  readonly byStatus: Map<number, number>;
  /** Per bucket (not cumulative), the last cell is +Inf. */
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/** One prom-client sample, in the shape its registry formats (`metricName` overrides the metric's name). */
interface Sample {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly metricName?: string;
}

/**
 * The gateway's per-call metrics: `catwalk_gateway_requests_total{outcome,status}` and
 * `catwalk_gateway_request_duration_seconds{outcome}`. Every tool call records here, so a call costs a few
 * array and map updates; prom-client's own counters would validate and hash the label set on every call. The
 * samples are built when /metrics is scraped, in prom-client's format, so they sit in the service's registry
 * beside the others.
 */
export class GatewayCallMetrics {
  readonly #outcomes = new Map<GatewayOutcome, OutcomeCells>();

  /** Registers both metrics in `registry`. */
  constructor(registry: Registry) {
    // prom-client formats any registered object with a name, help, type and get(); these two build their samples
    // at scrape time from the cells above.
    registry.registerMetric(this.#collector('catwalk_gateway_requests_total', 'MCP gateway requests by outcome.', 'counter', () => this.#counterSamples()));
    registry.registerMetric(
      this.#collector('catwalk_gateway_request_duration_seconds', 'MCP gateway time to the end of the response (long for SSE streams).', 'histogram', () => this.#histogramSamples()),
    );
  }

  record(outcome: GatewayOutcome, status: number, seconds: number): void {
    let cells = this.#outcomes.get(outcome);
    if (cells === undefined) this.#outcomes.set(outcome, (cells = { byStatus: new Map(), buckets: new Float64Array(BUCKETS.length + 1), sum: 0, count: 0 }));
    cells.byStatus.set(status, (cells.byStatus.get(status) ?? 0) + 1);
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]!) bucket++;
    cells.buckets[bucket]!++;
    cells.sum += seconds;
    cells.count++;
  }

  #counterSamples(): Sample[] {
    const samples: Sample[] = [];
    for (const [outcome, cells] of this.#outcomes) {
      for (const [status, value] of cells.byStatus) samples.push({ value, labels: { outcome, status } });
    }
    return samples;
  }

  #histogramSamples(): Sample[] {
    const name = 'catwalk_gateway_request_duration_seconds';
    const samples: Sample[] = [];
    for (const [outcome, cells] of this.#outcomes) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += cells.buckets[i]!;
        samples.push({ value: cumulative, labels: { le, outcome }, metricName: `${name}_bucket` });
      });
      samples.push({ value: cells.count, labels: { le: '+Inf', outcome }, metricName: `${name}_bucket` });
      samples.push({ value: cells.sum, labels: { outcome }, metricName: `${name}_sum` });
      samples.push({ value: cells.count, labels: { outcome }, metricName: `${name}_count` });
    }
    return samples;
  }

  #collector(name: string, help: string, type: 'counter' | 'histogram', samples: () => Sample[]): Metric {
    const collector = {
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: samples() }),
      reset: () => this.#outcomes.clear(),
    };
    return collector as unknown as Metric;
  }
}
