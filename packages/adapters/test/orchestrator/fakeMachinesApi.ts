import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received (headers kept to assert the token's use, bodies as JSON). */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

interface FakeMachine {
  id: string;
  name: string;
  state: string;
  region: string;
  instance_id: string;
  config: Record<string, unknown>;
  checks: { name: string; status: string }[];
  events: { type: string; status: string; timestamp: number }[];
  bootTimer?: NodeJS.Timeout;
}

/** An injected answer for the next request matching `method` + path regex. */
export interface Fault {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/**
 * A local fake of the Fly Machines API (the documented subset Catwalk uses): apps, machines with state that
 * boots after a delay, `wait` that answers 408 when the state is not reached in time, stop/start/delete, and
 * injected faults (429, 500, 412, 403) consumed in order.
 */
export class FakeMachinesApi {
  readonly requests: FakeRequest[] = [];
  readonly apps = new Map<string, { org: string; machines: Map<string, FakeMachine> }>();
  faults: Fault[] = [];
  /** Real milliseconds a machine takes from created to started. */
  bootMs = 100;
  /** Real milliseconds `wait` holds before answering 408 (Fly: up to 60 s). */
  waitCapMs = 40;
  /** When set, machines boot but their check stays critical (a server that never answers ping). */
  unhealthy = false;
  private server: Server | undefined;
  private nextId = 1;
  url = '';

  constructor(private readonly token: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = raw ? (JSON.parse(raw) as unknown) : undefined;
        const path = req.url ?? '/';
        this.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
        const send = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(payload === undefined ? '' : JSON.stringify(payload));
        };
        if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, { error: 'unauthorized' });
        const faultIndex = this.faults.findIndex((f) => f.method === req.method && f.path.test(path));
        if (faultIndex >= 0) {
          const [fault] = this.faults.splice(faultIndex, 1);
          return send(fault!.status, fault!.body ?? { error: `injected ${fault!.status}` }, fault!.headers);
        }
        void this.route(req.method ?? '', path, body, send);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const app of this.apps.values()) for (const m of app.machines.values()) clearTimeout(m.bootTimer);
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private boot(machine: FakeMachine): void {
    machine.state = 'starting';
    machine.checks = [{ name: 'mcp', status: 'critical' }];
    machine.bootTimer = setTimeout(() => {
      machine.state = 'started';
      machine.events.push({ type: 'start', status: 'started', timestamp: Date.now() });
      machine.checks = [{ name: 'mcp', status: this.unhealthy ? 'critical' : 'passing' }];
    }, this.bootMs);
  }

  private async route(method: string, fullPath: string, body: unknown, send: (status: number, payload?: unknown) => void): Promise<void> {
    const [path, query = ''] = fullPath.split('?');
    const params = new URLSearchParams(query);
    const parts = path!.split('/').filter(Boolean); // v1 apps {app} machines {id} {action}
    if (parts[0] !== 'v1' || parts[1] !== 'apps') return send(404, { error: 'not found' });
    const appName = parts[2];
    if (appName === undefined) {
      if (method === 'POST') {
        const b = body as { app_name: string; org_slug: string };
        if (this.apps.has(b.app_name)) return send(422, { error: 'app already exists' });
        this.apps.set(b.app_name, { org: b.org_slug, machines: new Map() });
        return send(201, { id: b.app_name, created_at: Date.now() });
      }
      if (method === 'GET') return send(200, { total_apps: this.apps.size, apps: [...this.apps.keys()].filter((n) => this.apps.get(n)!.org === params.get('org_slug')).map((name) => ({ name })) });
    }
    const app = this.apps.get(appName!);
    if (app === undefined) return send(404, { error: 'app not found' });
    if (parts.length === 3) {
      if (method === 'GET') return send(200, { name: appName, organization: { slug: app.org } });
      if (method === 'DELETE') {
        this.apps.delete(appName!);
        return send(202);
      }
    }
    if (parts[3] !== 'machines') return send(404, { error: 'not found' });
    const machineId = parts[4];
    if (machineId === undefined) {
      if (method === 'POST') {
        const b = body as { name: string; region?: string; config: Record<string, unknown> };
        const machine: FakeMachine = {
          id: `m${String(this.nextId++).padStart(6, '0')}abc`,
          name: b.name,
          state: 'created',
          region: b.region ?? 'ams',
          instance_id: `i${this.nextId}`,
          config: b.config,
          checks: [],
          events: [{ type: 'launch', status: 'created', timestamp: Date.now() }],
        };
        app.machines.set(machine.id, machine);
        this.boot(machine);
        return send(200, this.view(machine));
      }
      return send(200, [...app.machines.values()].map((m) => this.view(m)));
    }
    const machine = app.machines.get(machineId);
    if (machine === undefined) return send(404, { error: 'machine not found' });
    const action = parts[5];
    if (action === undefined && method === 'GET') return send(200, this.view(machine));
    if (action === undefined && method === 'POST') {
      machine.config = (body as { config: Record<string, unknown> }).config;
      this.boot(machine);
      return send(200, this.view(machine));
    }
    if (action === undefined && method === 'DELETE') {
      if (params.get('force') !== 'true' && machine.state === 'started') return send(412, { error: 'machine still running' });
      clearTimeout(machine.bootTimer);
      app.machines.delete(machineId);
      return send(200, { ok: true });
    }
    if (action === 'wait') {
      const wanted = params.get('state');
      const timeoutS = Number(params.get('timeout') ?? '60');
      if (!(timeoutS >= 1 && timeoutS <= 60)) return send(400, { error: 'timeout must be between 1 and 60' });
      const deadline = Date.now() + this.waitCapMs;
      while (machine.state !== wanted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      return machine.state === wanted ? send(200, { ok: true }) : send(408, { error: 'deadline_exceeded: timeout waiting for machine to be started' });
    }
    if (action === 'stop' && method === 'POST') {
      clearTimeout(machine.bootTimer);
      machine.state = 'stopped';
      machine.events.push({ type: 'exit', status: 'stopped', timestamp: Date.now() });
      return send(200, { ok: true });
    }
    if (action === 'start' && method === 'POST') {
      this.boot(machine);
      return send(200, { previous_state: 'stopped' });
    }
    send(404, { error: 'not found' });
  }

  private view(m: FakeMachine): Record<string, unknown> {
    return { id: m.id, name: m.name, state: m.state, region: m.region, instance_id: m.instance_id, config: m.config, checks: m.checks, events: m.events };
  }
}
