import { expect } from 'chai';
import type { DeploySpec } from '@catwalk/core';
import { FlyOrchestrator, mapState, type FlyOrchestratorOptions } from '../../src/orchestrator/fly/flyOrchestrator.js';
import type { FlyRequestRecord } from '../../src/orchestrator/fly/flyClient.js';
import type { FlyClock } from '../../src/orchestrator/fly/rateLimiter.js';
import { createBridgeServer, type BridgeServer } from '../../src/bridge/httpServer.js';
import { McpBridge } from '../../src/bridge/mcpBridge.js';
import { StdioChild } from '../../src/bridge/stdioChild.js';
import { LogRing } from '../../src/bridge/logRing.js';
import { FIXTURE_SERVER } from '../bridge/helpers.js';
import { FakeMachinesApi } from './fakeMachinesApi.js';

const TOKEN = 'fo1_test-token-never-logged-0123456789';
const SECRET = 'upstream-secret-for-tests-0123';

/** Virtual time: sleeping advances it at once (plus a real tick so the fake's boot timers can fire). */
function virtualClock(): FlyClock & { slept: number[] } {
  let now = 1_700_000_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
      await new Promise((r) => setTimeout(r, Math.min(ms, 5)));
    },
  };
}

const spec: DeploySpec = {
  deploymentId: '3f1c2a9e-0000-4000-8000-00000000abcd',
  package: { runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: '2026.8.31' },
  args: ['--flag', 'value'],
  env: { GITHUB_TOKEN: 'ghp_credential_value_123' },
  transport: 'stdio',
};

describe('FlyOrchestrator against a fake Machines API', () => {
  let api: FakeMachinesApi;
  let log: FlyRequestRecord[];
  let clock: ReturnType<typeof virtualClock>;
  let fly: FlyOrchestrator;

  function make(extra: Partial<FlyOrchestratorOptions> = {}): FlyOrchestrator {
    return new FlyOrchestrator({
      token: TOKEN,
      baseUrl: api.url,
      org: 'acme',
      region: 'fra',
      image: 'registry.fly.io/catwalk-runner:1',
      clock,
      random: () => 0.5,
      newSecret: () => SECRET,
      onRequest: (r) => log.push(r),
      ...extra,
    });
  }

  beforeEach(async () => {
    api = new FakeMachinesApi(TOKEN);
    await api.start();
    log = [];
    clock = virtualClock();
    fly = make();
  });
  afterEach(async () => {
    await api.stop();
  });

  it('creates one app per deployment and a machine with the documented body, then waits (looping on 408) until healthy', async () => {
    const handle = await fly.deploy(spec);
    const app = 'catwalk-3f1c2a9e-0000-4000-8000-00000000abcd';
    expect(handle.machineId).to.match(new RegExp(`^${app}/m\\d+abc$`));
    const machineId = handle.machineId.split('/')[1]!;
    expect(handle.upstreamUrl).to.equal(`http://${machineId}.vm.${app}.internal:8080/mcp/${SECRET}`);
    await fly.waitUntilHealthy(handle.machineId, 60_000);
    expect((await fly.status(handle.machineId)).state).to.equal('running');

    const [createApp, createMachine] = api.requests;
    expect(createApp).to.deep.include({ method: 'POST', path: '/v1/apps', body: { app_name: app, org_slug: 'acme' } });
    expect(createMachine!.path).to.equal(`/v1/apps/${app}/machines`);
    const body = createMachine!.body as { name: string; region: string; config: Record<string, unknown> };
    expect(body.region).to.equal('fra');
    expect(body.config).to.deep.include({
      image: 'registry.fly.io/catwalk-runner:1',
      env: { GITHUB_TOKEN: 'ghp_credential_value_123', CATWALK_CREDENTIAL_NAMES: 'GITHUB_TOKEN', CATWALK_UPSTREAM_SECRET: SECRET },
      guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 512 },
      restart: { policy: 'on-failure', max_retries: 5 },
    });
    expect((body.config.init as { cmd: string[] }).cmd).to.deep.equal([
      '--runtime', 'npm', '--package', '@modelcontextprotocol/server-memory@2026.8.31', '--host', '0.0.0.0', '--port', '8080',
      '--upstream-token-env', 'CATWALK_UPSTREAM_SECRET', '--', '--flag', 'value',
    ]);
    expect((body.config.services as { internal_port: number }[])[0]!.internal_port).to.equal(8080);
    expect(body.config.checks).to.have.nested.property('mcp.path', '/healthz');

    const waits = api.requests.filter((r) => r.path.includes('/wait?state=started&timeout='));
    expect(waits.length).to.be.greaterThan(1); // boot (100 ms) outlasts the fake's wait cap (40 ms): 408, then again
    expect(log.some((r) => r.path.includes('/wait') && r.status === 408)).to.equal(true);
    expect(api.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).to.equal(true);
    expect(JSON.stringify(log)).to.not.include(TOKEN);
  });

  it('respects 1 request/s per action per machine with a burst of 3', async () => {
    const handle = await fly.deploy(spec);
    await fly.waitUntilHealthy(handle.machineId, 60_000);
    for (let i = 0; i < 6; i++) await fly.status(handle.machineId);
    const byKey = new Map<string, number[]>();
    for (const r of log) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.at]);
    const gets = [...byKey.entries()].find(([k]) => k.startsWith('get:'))![1];
    expect(gets.length).to.be.greaterThan(6);
    for (const times of byKey.values()) {
      for (let i = 0; i + 3 < times.length; i++) expect(times[i + 3]! - times[i]!).to.be.at.least(1000);
    }
  });

  it('retries 429 (honouring Retry-After) and 500 with backoff, then succeeds', async () => {
    api.faults = [
      { method: 'POST', path: /\/machines$/, status: 429, headers: { 'retry-after': '2' } },
      { method: 'POST', path: /\/machines$/, status: 500 },
    ];
    const handle = await fly.deploy(spec);
    expect(handle.machineId).to.include('/');
    const creates = log.filter((r) => r.method === 'POST' && r.path.endsWith('/machines'));
    expect(creates.map((r) => r.status)).to.deep.equal([429, 500, 200]);
    expect(creates[1]!.at - creates[0]!.at).to.be.at.least(2000);
    expect(creates[2]!.at - creates[1]!.at).to.be.at.least(1000); // 500 ms × 2 × jitter 1.25
  });

  it('turns 412 capacity and 403 quota errors into orchestrator_failed with that reason', async () => {
    api.faults = [{ method: 'POST', path: /\/machines$/, status: 412, body: { error: 'insufficient resources available to fulfill request' } }];
    const capacity = await fly.deploy(spec).catch((e: unknown) => e as { code: string; message: string; details: { reason: string } });
    expect(capacity).to.deep.include({ code: 'orchestrator_failed' });
    expect((capacity as { details: { reason: string } }).details.reason).to.equal('capacity');
    expect((capacity as { message: string }).message).to.include('insufficient resources');
    api.faults = [{ method: 'POST', path: /\/machines$/, status: 403, body: { error: 'organization has reached its machine quota' } }];
    const quota = await fly.deploy(spec).catch((e: unknown) => e as { code: string; details: { reason: string } });
    expect((quota as { details: { reason: string } }).details.reason).to.equal('quota');
  });

  it('gives up after 5 attempts of 500 with a user-safe retryable error', async () => {
    api.faults = Array.from({ length: 5 }, () => ({ method: 'POST', path: /\/v1\/apps$/, status: 503 }));
    const error = (await fly.deploy(spec).catch((e: unknown) => e)) as { code: string; retryable: boolean; message: string };
    expect(error.code).to.equal('orchestrator_failed');
    expect(error.retryable).to.equal(true);
    expect(error.message).to.not.include(TOKEN);
  });

  it('reports a wrong token without echoing it', async () => {
    fly = make({ token: 'fo1_wrong-token-abcdef' });
    const error = (await fly.deploy(spec).catch((e: unknown) => e)) as Error;
    expect(error.message).to.include('FLY_API_TOKEN');
    expect(JSON.stringify(error)).to.not.include('wrong-token');
  });

  it('stops, starts (updating the machine when credentials changed), maps states and destroys app and machine', async () => {
    const handle = await fly.deploy(spec);
    await fly.waitUntilHealthy(handle.machineId, 60_000);
    await fly.stop(handle.machineId);
    expect((await fly.status(handle.machineId)).state).to.equal('stopped');
    await fly.start(handle.machineId, spec);
    expect(api.requests.at(-1)!.path).to.match(/\/start$/);
    await fly.waitUntilHealthy(handle.machineId, 60_000);
    const changed = { ...spec, env: { GITHUB_TOKEN: 'ghp_rotated_value_456' } };
    const again = await fly.start(handle.machineId, changed);
    expect(again.upstreamUrl).to.equal(handle.upstreamUrl);
    const update = api.requests.at(-1)!;
    expect(update.path).to.match(/\/machines\/m\d+abc$/);
    expect((update.body as { config: { env: Record<string, string> } }).config.env.GITHUB_TOKEN).to.equal('ghp_rotated_value_456');
    expect((await fly.list()).map((m) => m.deploymentId)).to.deep.equal([spec.deploymentId]);
    await fly.destroy(handle.machineId);
    const deletes = api.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deletes[0]).to.match(/\/machines\/m\d+abc\?force=true$/);
    expect(deletes[1]).to.equal('/v1/apps/catwalk-3f1c2a9e-0000-4000-8000-00000000abcd');
    expect((await fly.status(handle.machineId)).state).to.equal('gone');
    await fly.destroy(handle.machineId); // idempotent
  });

  it('fails waitUntilHealthy when the check never passes before the deadline', async () => {
    api.unhealthy = true;
    const handle = await fly.deploy(spec);
    const error = (await fly.waitUntilHealthy(handle.machineId, 30_000).catch((e: unknown) => e)) as { code: string; message: string };
    expect(error.code).to.equal('orchestrator_failed');
    expect(error.message).to.include('health check');
  });

  it('lists tools through the bridge at the machine URL (public mode, secret path)', async () => {
    const logs = new LogRing();
    const bridge = new McpBridge({ secret: SECRET });
    const server: BridgeServer = await createBridgeServer({ port: 0, bridge, secret: SECRET, secretInPath: true });
    const child = new StdioChild({ command: process.execPath, args: [FIXTURE_SERVER], env: { PATH: process.env.PATH ?? '' } }, logs);
    try {
      await bridge.attach(child, 10_000);
      fly = make({ upstream: 'public', publicUrlTemplate: `http://127.0.0.1:${server.port}` });
      const handle = await fly.deploy(spec);
      expect(handle.upstreamUrl).to.equal(`http://127.0.0.1:${server.port}/mcp/${SECRET}`);
      const tools = await fly.listTools(handle.machineId);
      expect(tools.map((t) => t.name)).to.include('echo');
    } finally {
      child.signal('SIGKILL');
      await server.close();
    }
  });

  it('maps Fly machine states', () => {
    expect(['created', 'starting', 'started', 'stopping', 'stopped', 'suspended', 'failed', 'destroyed'].map(mapState)).to.deep.equal([
      'starting', 'starting', 'running', 'stopped', 'stopped', 'stopped', 'failed', 'gone',
    ]);
  });
});
