import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateApiKey, CreateUser, loadConfig } from '@catwalk/core';
import type { CatwalkConfig, Orchestrator } from '@catwalk/core';
import { aMcpConfig, aSnapshot, anEnvVar, createFakePorts } from '@catwalk/core/testing';
import type { FakePorts } from '@catwalk/core/testing';
import { startServer } from '../../src/index.js';
import type { HttpOptions, RunningServer } from '../../src/index.js';

/** The source every API test deploys: the fake registry and repo source know it. */
export const SOURCE = 'npm:@example/mcp-server@1.2.3';
/** A credential value planted in requests; it must never appear in a response or a log line. */
export const PLANTED_SECRET = 'planted-secret-value-9f2c1e7b';

/** One HTTP exchange as the harness saw it. */
export interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed JSON body (undefined when it is not JSON). */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A running service over fakes, with two users and a recorder of every response. */
export interface Harness {
  readonly server: RunningServer;
  readonly ports: FakePorts;
  readonly url: string;
  readonly adminKey: string;
  readonly userB: { readonly id: string; readonly key: string };
  readonly adminId: string;
  /** Every response body received through `request`. */
  readonly responses: string[];
  request(method: string, path: string, options?: RequestOptions): Promise<Exchange>;
  close(): Promise<void>;
}

/** What `request` sends. */
export interface RequestOptions {
  /** A JSON-serialisable body (or a raw string with `raw`). */
  readonly body?: unknown;
  readonly raw?: string | Uint8Array;
  /** API key to send (default: the admin's); null sends none. */
  readonly key?: string | null;
  readonly headers?: Record<string, string>;
}

/** A configuration for tests: a temporary home, port 0, nothing else. */
export function testConfig(home: string, extra: Record<string, string> = {}): CatwalkConfig {
  return loadConfig({ CATWALK_HOME: home, CATWALK_PORT: '0', CATWALK_LOG_LEVEL: 'silent', ...extra }, {});
}

/** Starts the service on fakes (optionally a real orchestrator) and creates a second user. */
export async function startHarness(
  options: { orchestrator?: Orchestrator; http?: Partial<Omit<HttpOptions, 'publicUrl'>>; ports?: FakePorts; background?: boolean; env?: Record<string, string> } = {},
): Promise<Harness> {
  const home = mkdtempSync(join(tmpdir(), 'catwalk-http-'));
  const ports = options.ports ?? createFakePorts();
  ports.repoSource.add(aSnapshot());
  ports.analyzer.setFallback(aMcpConfig({ envVars: [anEnvVar(), anEnvVar({ name: 'REGION', required: false, secret: false, default: 'eu' })] }));
  const overrides = { ...ports, ...(options.orchestrator === undefined ? {} : { orchestrator: options.orchestrator }) };
  const server = await startServer(testConfig(home, options.env), { overrides, ...(options.http === undefined ? {} : { http: options.http }), drainTimeoutMs: 2000, background: options.background ?? false });
  const adminKey = server.adminApiKey;
  if (adminKey === undefined) throw new Error('no admin key was generated');
  const adminId = (await ports.users.list())[0]!.id;
  const user = await server.catwalk.container.get(CreateUser).execute({ name: 'bea' });
  const { apiKey } = await server.catwalk.container.get(CreateApiKey).execute({ userId: user.id, name: 'bea laptop' });
  const responses: string[] = [];
  const request = async (method: string, path: string, opts: RequestOptions = {}): Promise<Exchange> => {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? adminKey : opts.key;
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    let body: string | Uint8Array | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    responses.push(text);
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    server,
    ports,
    url: server.url,
    adminKey,
    adminId,
    userB: { id: user.id, key: apiKey },
    responses,
    request,
    close: async () => {
      await server.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A deployment body that validates against the fakes. */
export function deploymentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'example', source: SOURCE, credentials: { API_KEY: PLANTED_SECRET }, ...overrides };
}
