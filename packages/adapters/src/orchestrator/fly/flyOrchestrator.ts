import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CatwalkError, formatPackageSpec, type DeploySpec, type LogLine, type MachineHandle, type MachineState, type MachineStatus, type Orchestrator, type ToolSpec } from '@catwalk/core';
import { FlyClient, type FlyClientOptions } from './flyClient.js';
import { realFlyClock, type FlyClock } from './rateLimiter.js';

/** Machine size. */
export interface FlyGuest {
  readonly cpu_kind: 'shared' | 'performance';
  readonly cpus: number;
  readonly memory_mb: number;
}

/** Options of the Fly Machines orchestrator. */
export interface FlyOrchestratorOptions extends Omit<FlyClientOptions, 'clock'> {
  /** `FLY_ORG`: the organization slug apps are created in. */
  readonly org: string;
  /** `FLY_REGION` (e.g. `fra`, `iad`); Fly picks one near the API caller when absent. */
  readonly region?: string;
  /** `CATWALK_RUNNER_IMAGE`: the runner image (Node 20 + uv, entrypoint `catwalk bridge`). */
  readonly image: string;
  readonly guest?: FlyGuest;
  /** App name prefix (default `catwalk-`); one app per deployment. */
  readonly appPrefix?: string;
  /**
   * How the gateway reaches the bridge: `private` = `http://{machine}.vm.{app}.internal:8080/mcp/<secret>` (the
   * control plane runs inside the same Fly organization network), `public` = `https://{app}.fly.dev/mcp/<secret>`.
   */
  readonly upstream?: 'private' | 'public';
  /** Overrides the public base URL (`https://{app}.fly.dev`); `{app}` is replaced. Used by tests. */
  readonly publicUrlTemplate?: string;
  /** Deadline for a machine to start and pass its checks (default 5 min). */
  readonly deployDeadlineMs?: number;
  readonly clock?: FlyClock;
  /** Makes upstream secrets (default 24 random bytes, base64url). */
  readonly newSecret?: () => string;
}

/** The machine port the bridge listens on. */
const INTERNAL_PORT = 8080;
const SECRET_ENV = 'CATWALK_UPSTREAM_SECRET';
const NAMES_ENV = 'CATWALK_CREDENTIAL_NAMES';

interface FlyMachine {
  id: string;
  name?: string;
  state: string;
  region?: string;
  instance_id?: string;
  config?: { env?: Record<string, string>; metadata?: Record<string, string>; image?: string } & Record<string, unknown>;
  checks?: { name: string; status: string; output?: string }[];
  events?: { type: string; status: string; timestamp: number; request?: { exit_event?: { exit_code?: number } } }[];
}

/**
 * Fly Machines orchestrator: one Fly app per deployment (app secrets and machine env are app-wide, so sharing an
 * app would share credentials), one machine running the runner image whose entrypoint is `catwalk bridge`.
 * Machine ids are `<app>/<machine id>`.
 */
export class FlyOrchestrator implements Orchestrator {
  readonly name = 'fly';
  private readonly client: FlyClient;
  private readonly clock: FlyClock;

  constructor(private readonly options: FlyOrchestratorOptions) {
    this.clock = options.clock ?? realFlyClock;
    this.client = new FlyClient({ ...options, clock: this.clock });
  }

  /** The Fly app of a deployment: lower case, at most 63 characters. */
  appOf(deploymentId: string): string {
    const id = deploymentId.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    return `${this.options.appPrefix ?? 'catwalk-'}${id}`.slice(0, 63).replace(/-+$/, '');
  }

  async deploy(spec: DeploySpec): Promise<MachineHandle> {
    const app = this.appOf(spec.deploymentId);
    await this.ensureApp(app);
    const secret = (this.options.newSecret ?? (() => randomBytes(24).toString('base64url')))();
    const body = {
      name: 'mcp',
      ...(this.options.region === undefined ? {} : { region: this.options.region }),
      config: this.machineConfig(spec, secret),
    };
    const created = await this.client.request<FlyMachine>('POST', `/v1/apps/${app}/machines`, { action: 'create', machine: app, body });
    return { machineId: `${app}/${created.data.id}`, upstreamUrl: this.upstreamUrl(app, created.data.id, secret) };
  }

  async waitUntilHealthy(machineId: string, timeoutMs: number): Promise<void> {
    const { app, id } = split(machineId);
    const deadline = this.clock.now() + Math.min(timeoutMs, this.options.deployDeadlineMs ?? 5 * 60_000);
    // `wait` holds at most 60 s and answers 408 when the state was not reached: loop until our deadline.
    for (;;) {
      const left = Math.ceil((deadline - this.clock.now()) / 1000);
      if (left <= 0) throw new CatwalkError('orchestrator_failed', 'The Fly machine did not start in time.', { machineId });
      const wait = await this.client.request<unknown>('GET', `/v1/apps/${app}/machines/${id}/wait?state=started&timeout=${Math.min(60, left)}`, {
        action: 'wait',
        machine: id,
        accept: [408, 400],
        timeoutMs: (Math.min(60, left) + 15) * 1000,
      });
      if (wait.status === 200) break;
      const machine = await this.getMachine(app, id);
      if (machine === undefined) throw new CatwalkError('orchestrator_failed', 'The Fly machine disappeared while starting.', { machineId });
      if (['failed', 'destroyed', 'destroying', 'stopped'].includes(machine.state)) {
        throw new CatwalkError('orchestrator_failed', `The Fly machine ${machine.state === 'stopped' ? 'stopped' : 'failed'} while starting${exitHint(machine)}.`, { machineId, state: machine.state });
      }
    }
    // Started is not healthy: the bridge's /healthz check (initialize + ping) must pass.
    for (;;) {
      const machine = await this.getMachine(app, id);
      if (machine === undefined) throw new CatwalkError('orchestrator_failed', 'The Fly machine disappeared while starting.', { machineId });
      if (machine.state !== 'started' && machine.state !== 'starting') {
        throw new CatwalkError('orchestrator_failed', `The Fly machine ${machine.state} before it became healthy${exitHint(machine)}.`, { machineId, state: machine.state });
      }
      const checks = machine.checks ?? [];
      if (machine.state === 'started' && checks.length > 0 && checks.every((c) => c.status === 'passing')) return;
      if (this.clock.now() >= deadline) throw new CatwalkError('orchestrator_failed', 'The MCP server on the Fly machine did not pass its health check in time.', { machineId });
      await this.clock.sleep(2000);
    }
  }

  async listTools(machineId: string): Promise<ToolSpec[]> {
    const { app, id } = split(machineId);
    const machine = await this.getMachine(app, id);
    const secret = machine?.config?.env?.[SECRET_ENV];
    if (machine === undefined || secret === undefined) throw new CatwalkError('orchestrator_failed', 'The Fly machine is gone.', { machineId });
    const client = new Client({ name: 'catwalk-introspection', version: '0.1.0' });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(this.upstreamUrl(app, id, secret))));
      const tools: ToolSpec[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const result = await client.listTools(cursor === undefined ? {} : { cursor });
        for (const t of result.tools) {
          tools.push({ name: t.name, ...(t.description === undefined ? {} : { description: t.description }), inputSchema: t.inputSchema as Record<string, unknown> });
        }
        if (result.nextCursor === undefined) break;
        cursor = result.nextCursor;
      }
      return tools;
    } catch (error) {
      if (error instanceof CatwalkError) throw error;
      throw new CatwalkError('orchestrator_failed', 'The MCP server on the Fly machine did not answer tools/list.', { machineId });
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  async status(machineId: string): Promise<MachineStatus> {
    const { app, id } = split(machineId);
    const machine = await this.getMachine(app, id);
    const deploymentId = machine?.config?.metadata?.catwalk_deployment ?? app.slice((this.options.appPrefix ?? 'catwalk-').length);
    if (machine === undefined) return { machineId, deploymentId, state: 'gone' };
    const state = mapState(machine.state);
    return { machineId, deploymentId, state, ...(state === 'failed' ? { detail: `The Fly machine failed${exitHint(machine)}.` } : {}) };
  }

  async stop(machineId: string): Promise<void> {
    const { app, id } = split(machineId);
    await this.client.request('POST', `/v1/apps/${app}/machines/${id}/stop`, { action: 'stop', machine: id, body: {} });
  }

  async start(machineId: string, spec: DeploySpec): Promise<MachineHandle> {
    const { app, id } = split(machineId);
    const machine = await this.getMachine(app, id);
    if (machine === undefined) return this.deploy(spec);
    const secret = machine.config?.env?.[SECRET_ENV] ?? (this.options.newSecret ?? (() => randomBytes(24).toString('base64url')))();
    const wanted = this.machineConfig(spec, secret);
    if (JSON.stringify(machine.config?.env ?? {}) !== JSON.stringify(wanted.env) || machine.config?.image !== wanted.image) {
      // Credentials or image changed: updating the machine replaces its config and (re)starts it.
      await this.client.request('POST', `/v1/apps/${app}/machines/${id}`, { action: 'update', machine: id, body: { config: wanted } });
    } else {
      await this.client.request('POST', `/v1/apps/${app}/machines/${id}/start`, { action: 'start', machine: id, body: {} });
    }
    return { machineId, upstreamUrl: this.upstreamUrl(app, id, secret) };
  }

  async destroy(machineId: string): Promise<void> {
    const { app, id } = split(machineId);
    await this.client.request('DELETE', `/v1/apps/${app}/machines/${id}?force=true`, { action: 'delete', machine: id, accept: [404] });
    await this.client.request('DELETE', `/v1/apps/${app}`, { action: 'delete-app', machine: app, accept: [404] });
  }

  async logs(machineId: string, options: { tail: number }): Promise<LogLine[]> {
    // The Machines API has no log endpoint (logs flow through Fly's NATS log shipper): report machine events.
    const { app, id } = split(machineId);
    const machine = await this.getMachine(app, id);
    const events = (machine?.events ?? []).slice().sort((a, b) => a.timestamp - b.timestamp);
    return events.slice(-Math.max(0, options.tail)).map((e) => ({
      at: new Date(e.timestamp),
      stream: 'system' as const,
      line: `${e.type}: ${e.status}${e.request?.exit_event?.exit_code === undefined ? '' : ` (exit code ${e.request.exit_event.exit_code})`}`,
    }));
  }

  async list(): Promise<MachineStatus[]> {
    const apps = await this.client.request<{ apps?: { name: string }[] }>('GET', `/v1/apps?org_slug=${encodeURIComponent(this.options.org)}`, { action: 'list-apps' });
    const prefix = this.options.appPrefix ?? 'catwalk-';
    const out: MachineStatus[] = [];
    for (const app of apps.data.apps ?? []) {
      if (!app.name.startsWith(prefix)) continue;
      const machines = await this.client.request<FlyMachine[]>('GET', `/v1/apps/${app.name}/machines`, { action: 'list', machine: app.name });
      for (const m of machines.data) {
        const state = mapState(m.state);
        out.push({ machineId: `${app.name}/${m.id}`, deploymentId: m.config?.metadata?.catwalk_deployment ?? app.name.slice(prefix.length), state });
      }
    }
    return out;
  }

  /** The machine config sent to Fly (exported shape documented in docs/deploy-fly.md). */
  machineConfig(spec: DeploySpec, secret: string): { image: string; env: Record<string, string> } & Record<string, unknown> {
    const names = Object.keys(spec.env).sort();
    for (const name of names) {
      if (name.startsWith('CATWALK_') || name.startsWith('FLY_')) throw new CatwalkError('unknown_credential', `The credential name ${name} is reserved.`, { name });
    }
    const env: Record<string, string> = {};
    for (const name of names) env[name] = spec.env[name]!;
    env[NAMES_ENV] = names.join(',');
    env[SECRET_ENV] = secret;
    return {
      image: this.options.image,
      env,
      init: {
        // The image's entrypoint is `catwalk bridge`: these are its arguments.
        cmd: [
          '--runtime',
          spec.package.runtime,
          '--package',
          formatPackageSpec(spec.package),
          '--host',
          '0.0.0.0',
          '--port',
          String(INTERNAL_PORT),
          '--upstream-token-env',
          SECRET_ENV,
          '--',
          ...spec.args,
        ],
      },
      guest: this.options.guest ?? { cpu_kind: 'shared', cpus: 1, memory_mb: 512 },
      services: [
        {
          protocol: 'tcp',
          internal_port: INTERNAL_PORT,
          autostop: 'off',
          autostart: true,
          ports: [
            { port: 443, handlers: ['tls', 'http'] },
            { port: 80, handlers: ['http'], force_https: true },
          ],
        },
      ],
      checks: {
        mcp: { type: 'http', port: INTERNAL_PORT, method: 'GET', path: '/healthz', interval: '15s', timeout: '10s', grace_period: '30s' },
      },
      restart: { policy: 'on-failure', max_retries: 5 },
      metadata: { catwalk_deployment: spec.deploymentId },
    };
  }

  private async ensureApp(app: string): Promise<void> {
    const res = await this.client.request<{ error?: string }>('POST', '/v1/apps', {
      action: 'create-app',
      machine: app,
      body: { app_name: app, org_slug: this.options.org },
      accept: [409, 422],
    });
    if (res.status === 409 || res.status === 422) {
      // Already there (a retried deploy): fine if it is ours, i.e. visible with this token.
      const existing = await this.client.request('GET', `/v1/apps/${app}`, { action: 'get-app', machine: app, accept: [404] });
      if (existing.status === 404) throw new CatwalkError('orchestrator_failed', `The Fly app name ${app} is taken.`, { app });
    }
  }

  private async getMachine(app: string, id: string): Promise<FlyMachine | undefined> {
    const res = await this.client.request<FlyMachine>('GET', `/v1/apps/${app}/machines/${id}`, { action: 'get', machine: id, accept: [404] });
    return res.status === 404 ? undefined : res.data;
  }

  private upstreamUrl(app: string, machineId: string, secret: string): string {
    const path = `/mcp/${encodeURIComponent(secret)}`;
    if ((this.options.upstream ?? 'private') === 'private' && this.options.publicUrlTemplate === undefined) {
      return `http://${machineId}.vm.${app}.internal:${INTERNAL_PORT}${path}`;
    }
    return `${(this.options.publicUrlTemplate ?? 'https://{app}.fly.dev').replace('{app}', app)}${path}`;
  }
}

/** Fly machine states → MachineState. */
export function mapState(state: string): MachineState {
  switch (state) {
    case 'started':
      return 'running';
    case 'created':
    case 'starting':
    case 'replacing':
    case 'updating':
      return 'starting';
    case 'stopping':
    case 'stopped':
    case 'suspending':
    case 'suspended':
      return 'stopped';
    case 'failed':
    case 'launch_failed':
      return 'failed';
    case 'destroying':
    case 'destroyed':
      return 'gone';
    default:
      return 'starting';
  }
}

function split(machineId: string): { app: string; id: string } {
  const slash = machineId.indexOf('/');
  const app = machineId.slice(0, slash);
  const id = machineId.slice(slash + 1);
  if (slash <= 0 || !/^[a-z0-9-]{1,63}$/.test(app) || !/^[a-z0-9]{1,64}$/.test(id)) {
    throw new CatwalkError('not_found', 'No such machine.', { machineId: machineId.slice(0, 200) });
  }
  return { app, id };
}

function exitHint(machine: FlyMachine): string {
  const exit = (machine.events ?? []).find((e) => e.request?.exit_event?.exit_code !== undefined);
  return exit === undefined ? '' : ` (exit code ${exit.request!.exit_event!.exit_code})`;
}
