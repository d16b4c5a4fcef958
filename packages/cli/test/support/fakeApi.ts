import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake API received. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/** What a handler answers. */
export interface Answer {
  readonly status?: number;
  readonly body?: unknown;
}

type Handler = (request: Received) => Answer | Promise<Answer>;

/**
 * A fake Catwalk API on 127.0.0.1 (port 0): routes are `METHOD /path` with `:id` segments; unknown routes
 * answer 404 in the API's error shape. Every request is recorded.
 */
export class FakeApi {
  readonly received: Received[] = [];
  readonly #routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  #server: Server | undefined;
  url = '';

  on(route: string, handler: Handler | Answer): this {
    const [method, path] = route.split(' ') as [string, string];
    const pattern = new RegExp('^' + path.replace(/:[a-z]+/g, '[^/]+') + '$');
    this.#routes.push({ method, pattern, handler: typeof handler === 'function' ? handler : () => handler });
    return this;
  }

  /** The requests to `METHOD /path`. */
  calls(route: string): Received[] {
    const [method, path] = route.split(' ') as [string, string];
    return this.received.filter((r) => r.method === method && r.path === path);
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server === undefined ? resolve() : this.#server.close(() => resolve())));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += (chunk as Buffer).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const received: Received = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: text === '' ? undefined : JSON.parse(text),
    };
    this.received.push(received);
    const route = this.#routes.find((r) => r.method === received.method && r.pattern.test(received.path));
    const answer: Answer = route === undefined ? { status: 404, body: { error: 'not_found', message: 'No such route.', details: {} } } : await route.handler(received);
    const status = answer.status ?? 200;
    if (answer.body === undefined) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  }
}

/** A deployment as the API shows it. */
export function deploymentFixture(overrides: Record<string, unknown> = {}) {
  return {
    id: '0b9f2c3e-1111-4222-8333-444455556666',
    name: 'server-memory',
    source: 'npm:@modelcontextprotocol/server-memory',
    package: { runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: '2026.8.31' },
    status: 'running',
    endpoint: 'http://127.0.0.1:7420/mcp/0b9f2c3e-1111-4222-8333-444455556666',
    errorMessage: null,
    tools: [{ name: 'create_entities', description: 'Create entities' }, { name: 'read_graph' }],
    credentialNames: [],
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:05.000Z',
    ...overrides,
  };
}
