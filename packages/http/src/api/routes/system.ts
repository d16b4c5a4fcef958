import { z } from 'zod';
import type { RouteDefinition } from '../route.js';
import { defineRoute } from '../route.js';
import { noQuery } from '../schemas.js';

/** A readiness probe of one dependency: resolves when it answers, rejects when it does not. */
export type ReadinessCheck = () => Promise<void>;

/** What the system routes need. */
export interface SystemRouteDeps {
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
  readonly metrics: () => Promise<{ contentType: string; text: string }>;
  readonly openApi: () => Record<string, unknown>;
  /** How long one readiness check may take. */
  readonly checkTimeoutMs: number;
}

async function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** `/health` (liveness), `/ready` (database and orchestrator), `/metrics` (Prometheus), `/openapi.json`. */
export function systemRoutes(deps: SystemRouteDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness: the process serves requests.',
      tag: 'system',
      auth: false,
      query: noQuery,
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
      async handle() {
        return { body: { status: 'ok' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/ready',
      operationId: 'ready',
      summary: 'Readiness: the database and the orchestrator answer.',
      tag: 'system',
      auth: false,
      query: noQuery,
      responses: {
        200: { description: 'Ready', schema: z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.boolean()) }) },
        503: { description: 'Not ready', schema: z.object({ status: z.literal('not_ready'), checks: z.record(z.string(), z.boolean()) }) },
      },
      async handle() {
        const entries = Object.entries(deps.checks);
        const results = await Promise.all(entries.map(([, check]) => withTimeout(check, deps.checkTimeoutMs)));
        const checks = Object.fromEntries(entries.map(([name], index) => [name, results[index] === true]));
        const ready = results.every(Boolean);
        return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', checks } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics: requests, latencies, gateway calls, deployments by status.',
      tag: 'system',
      auth: false,
      query: noQuery,
      responses: { 200: { description: 'Prometheus text format' } },
      async handle() {
        const { contentType, text } = await deps.metrics();
        return { body: text, contentType };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This API as an OpenAPI 3.1 document.',
      tag: 'system',
      auth: false,
      query: noQuery,
      responses: { 200: { description: 'The OpenAPI document' } },
      async handle() {
        return { body: deps.openApi() };
      },
    }),
  ];
}
