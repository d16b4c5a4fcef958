import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'chai';
import type { McpPostHeaders } from '@catwalk/adapters';
import { FastLane } from '../../src/gateway/lane/fastLane.js';
import type { LaneGateway } from '../../src/gateway/lane/fastLane.js';
import { LaneResponse } from '../../src/gateway/lane/laneResponse.js';
import type { LaneResponseSink } from '../../src/gateway/lane/laneResponse.js';
import type { GatewayRequestFacts } from '../../src/gateway/gateway.js';

type Verdict = 'serve' | 'refuse' | 'serve later' | 'refuse later' | 'hold';

/** A gateway that serves, refuses or holds lane requests as told, answering `lane <n> <body>`. */
class ScriptedGateway implements LaneGateway {
  readonly maxBodyBytes = 1024;
  verdict: Verdict = 'serve';
  readonly seen: { url: string; headers: McpPostHeaders; body: string }[] = [];
  readonly held: LaneResponse[] = [];

  serveLanePost(facts: GatewayRequestFacts, headers: McpPostHeaders, body: Buffer, res: LaneResponse): boolean | Promise<boolean> {
    this.seen.push({ url: facts.url, headers, body: body.toString() });
    const answer = (): true => {
      const text = `lane ${this.seen.length} ${body.toString()}`;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(text);
      return true;
    };
    switch (this.verdict) {
      case 'serve':
        return answer();
      case 'refuse':
        return false;
      case 'serve later':
        return new Promise((resolve) => setTimeout(() => resolve(answer()), 30));
      case 'refuse later':
        return new Promise((resolve) => setTimeout(() => resolve(false), 30));
      case 'hold':
        this.held.push(res);
        return true;
    }
  }
}

const LIMITS = { keepAliveTimeoutMs: 1000, headersTimeoutMs: 300, maxHeadBytes: 16 * 1024 };

function post(path: string, body: string, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

/** A raw client connection that collects everything the server writes. */
class RawClient {
  readonly socket: Socket;
  text = '';
  closed = false;
  private readonly ready: Promise<void>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.ready = new Promise((resolve) => this.socket.once('connect', () => resolve()));
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => (this.text += chunk));
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => undefined);
  }

  async send(data: string): Promise<void> {
    await this.ready;
    this.socket.write(data);
  }

  /** Waits until `predicate` holds of what arrived (or fails after 3 s). */
  async until(predicate: (client: RawClient) => boolean): Promise<void> {
    const deadline = Date.now() + 3000;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`timed out; received so far: ${JSON.stringify(this.text)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The bodies of the responses received so far, in order (Content-Length framed). */
  bodies(): string[] {
    const out: string[] = [];
    let rest = this.text;
    for (;;) {
      const end = rest.indexOf('\r\n\r\n');
      if (end === -1) return out;
      const length = /content-length: (\d+)/i.exec(rest.slice(0, end));
      if (length === null) return out;
      out.push(rest.slice(end + 4, end + 4 + Number(length[1])));
      rest = rest.slice(end + 4 + Number(length[1]));
    }
  }
}

describe('fast lane: connections', () => {
  let server: Server;
  let lane: FastLane;
  let gateway: ScriptedGateway;
  let port: number;
  const clients: RawClient[] = [];
  const client = (): RawClient => {
    const c = new RawClient(port);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    gateway = new ScriptedGateway();
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const text = `node ${req.method} ${req.url} ${body}`;
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    lane = new FastLane(server, () => gateway, LIMITS);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    lane.destroyAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('serves kept-alive and pipelined requests in order, each with a complete head', async () => {
    const c = client();
    await c.send(post('/mcp/a', '{"n":1}'));
    await c.until((x) => x.bodies().length === 1);
    await c.send(post('/mcp/a', '{"n":2}') + post('/mcp/b?token=t', '{"n":3}'));
    await c.until((x) => x.bodies().length === 3);
    expect(c.bodies()).to.deep.equal(['lane 1 {"n":1}', 'lane 2 {"n":2}', 'lane 3 {"n":3}']);
    expect(gateway.seen.map((s) => s.url)).to.deep.equal(['/mcp/a', '/mcp/a', '/mcp/b?token=t']);
    expect(c.text).to.match(/^HTTP\/1\.1 200 OK\r\ncontent-type: text\/plain\r\ndate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [\d:]{8} GMT\r\nconnection: keep-alive\r\nkeep-alive: timeout=1\r\ncontent-length: 14\r\n\r\n/);
    expect(c.closed).to.equal(false);
    expect(lane.connections).to.equal(1);
  });

  it('waits for a body that arrives in pieces', async () => {
    const c = client();
    const whole = post('/mcp/a', '{"split":"body"}');
    await c.send(whole.slice(0, 30));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await c.send(whole.slice(30, whole.length - 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gateway.seen).to.have.length(0);
    await c.send(whole.slice(whole.length - 5));
    await c.until((x) => x.bodies().length === 1);
    expect(c.bodies()).to.deep.equal(['lane 1 {"split":"body"}']);
  });

  it('hands the connection to node:http at the first request it does not serve, for good', async () => {
    const c = client();
    await c.send(post('/mcp/a', '{}'));
    await c.until((x) => x.bodies().length === 1);
    await c.send('GET /health HTTP/1.1\r\nHost: t\r\n\r\n' + post('/mcp/a', '{"after":1}'));
    await c.until((x) => x.bodies().length === 3);
    expect(c.bodies()).to.deep.equal(['lane 1 {}', 'node GET /health ', 'node POST /mcp/a {"after":1}']);
    expect(lane.connections).to.equal(0);
    // A connection whose first request is not the lane's goes to node:http at once.
    const d = client();
    await d.send('GET /health HTTP/1.1\r\nHost: t\r\n\r\n');
    await d.until((x) => x.bodies().length === 1);
    expect(d.bodies()).to.deep.equal(['node GET /health ']);
  });

  it('replays a refused request to node:http, whole, with what came after it', async () => {
    for (const verdict of ['refuse', 'refuse later'] as const) {
      gateway.verdict = verdict;
      const c = client();
      await c.send(post('/mcp/a', '{"refused":1}') + post('/mcp/a', '{"next":2}'));
      await c.until((x) => x.bodies().length === 2);
      expect(c.bodies(), verdict).to.deep.equal(['node POST /mcp/a {"refused":1}', 'node POST /mcp/a {"next":2}']);
    }
    // Bodies over the lane's limit are node:http's to refuse (with 413 in the service).
    gateway.verdict = 'serve';
    const big = client();
    await big.send(post('/mcp/a', 'x'.repeat(2000)));
    await big.until((x) => x.bodies().length === 1);
    expect(big.bodies()[0]).to.match(/^node POST \/mcp\/a x{2000}$/);
  });

  it('holds later requests while the gateway decides, then serves them in order', async () => {
    gateway.verdict = 'serve later';
    const c = client();
    await c.send(post('/mcp/a', '{"n":1}'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await c.send(post('/mcp/a', '{"n":2}'));
    await c.until((x) => x.bodies().length === 2);
    expect(c.bodies()).to.deep.equal(['lane 1 {"n":1}', 'lane 2 {"n":2}']);
  });

  it('closes after the answer when asked to; a client that half-closes has left', async () => {
    const c = client();
    await c.send(post('/mcp/a', '{}', 'Connection: close\r\n'));
    await c.until((x) => x.closed);
    expect(c.text).to.include('connection: close\r\n');
    expect(c.bodies()).to.deep.equal(['lane 1 {}']);
    gateway.verdict = 'hold';
    const d = client();
    await d.send(post('/mcp/a', '{}'));
    await d.until(() => gateway.held.length === 1);
    let left = false;
    gateway.held[0]!.on('close', () => (left = true));
    d.socket.end();
    await d.until((x) => x.closed);
    expect(left).to.equal(true);
    gateway.held[0]!.writeHead(200, { 'content-type': 'text/plain' });
    gateway.held[0]!.end('late');
    expect(d.bodies()).to.deep.equal([]);
  });

  it('cuts heads that take too long and idle connections', async () => {
    const slow = client();
    await slow.send('POST /mcp/a HTTP/1.1\r\nHost: t\r\n');
    await new Promise((resolve) => setTimeout(resolve, LIMITS.headersTimeoutMs + 50));
    await slow.send('X-Trickle: 1\r\n');
    await slow.until((x) => x.closed);
    const idle = client();
    await idle.send(post('/mcp/a', '{}'));
    await idle.until((x) => x.bodies().length === 1);
    const started = Date.now();
    await new Promise<void>((resolve) => idle.socket.once('close', () => resolve()));
    expect(Date.now() - started).to.be.within(LIMITS.keepAliveTimeoutMs - 200, LIMITS.keepAliveTimeoutMs + 1500);
  });

  it('tells a held answer that its client left, and ignores what is written after', async () => {
    gateway.verdict = 'hold';
    const c = client();
    await c.send(post('/mcp/a', '{}'));
    await c.until(() => gateway.held.length === 1);
    const res = gateway.held[0]!;
    let closes = 0;
    res.on('close', () => closes++);
    c.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(closes).to.equal(1);
    res.writeHead(200, {});
    res.write('nobody reads this');
    res.end();
    expect(closes).to.equal(1);
    expect(lane.connections).to.equal(0);
  });

  it('streams a chunked answer (SSE) that an HTTP client reads whole', async () => {
    gateway.verdict = 'hold';
    const answer = fetch(`http://127.0.0.1:${port}/mcp/a`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const deadline = Date.now() + 3000;
    while (gateway.held.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const res = gateway.held[0]!;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    res.write('id: 1_1\ndata: {"a":1}\n\n');
    res.write('');
    res.end('id: 1_2\ndata: {"é":2}\n\n');
    const response = await answer;
    expect(response.headers.get('transfer-encoding')).to.equal('chunked');
    expect(await response.text()).to.equal('id: 1_1\ndata: {"a":1}\n\nid: 1_2\ndata: {"é":2}\n\n');
  });

  it('on shutdown closes idle connections, lets answers in progress finish, then closes those too', async () => {
    const idle = client();
    await idle.send(post('/mcp/a', '{}'));
    await idle.until((x) => x.bodies().length === 1);
    gateway.verdict = 'hold';
    const busy = client();
    await busy.send(post('/mcp/a', '{}'));
    await busy.until(() => gateway.held.length === 1);
    expect(lane.inFlight).to.equal(1);
    lane.closeIdle();
    await idle.until((x) => x.closed);
    expect(busy.closed).to.equal(false);
    gateway.held[0]!.writeHead(200, { 'content-type': 'text/plain' });
    gateway.held[0]!.end('done');
    await busy.until((x) => x.closed);
    expect(busy.bodies()).to.deep.equal(['done']);
    expect(lane.inFlight).to.equal(0);
  });
});

describe('fast lane: responses', () => {
  function sink(): LaneResponseSink & { writes: string[]; closes: boolean[] } {
    const writes: string[] = [];
    const closes: boolean[] = [];
    return { writes, closes, keepAliveSeconds: 65, write: (data) => writes.push(data), finished: (_response, close) => closes.push(close) };
  }

  it('sends a JSON answer as one write with its Content-Length', () => {
    const s = sink();
    const res = new LaneResponse(s, false);
    res.writeHead(202, { 'mcp-session-id': 's1' });
    res.end();
    expect(s.writes).to.have.length(1);
    expect(s.writes[0]).to.match(/^HTTP\/1\.1 202 Accepted\r\nmcp-session-id: s1\r\ndate: .+\r\nconnection: keep-alive\r\nkeep-alive: timeout=65\r\ncontent-length: 0\r\n\r\n$/);
    expect(s.closes).to.deep.equal([false]);
    expect([res.headersSent, res.writableEnded, res.statusCode]).to.deep.equal([true, true, 202]);
  });

  it('closes the connection when a header says so, and frames an empty streamed answer', () => {
    const s = sink();
    const res = new LaneResponse(s, false);
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
    res.flushHeaders();
    res.end();
    expect(s.writes.join('')).to.match(/^HTTP\/1\.1 413 Payload Too Large\r\ncontent-type: application\/json\r\nconnection: close\r\ndate: .+\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n$/);
    expect(s.closes).to.deep.equal([true]);
  });

  it('refuses header names and values that would split the response', () => {
    const res = new LaneResponse(sink(), false);
    expect(() => res.writeHead(200, { 'x-a': 'ok\r\nx-injected: 1' })).to.throw();
    expect(() => new LaneResponse(sink(), false).writeHead(200, { 'x a': '1' })).to.throw();
    expect(() => new LaneResponse(sink(), false).writeHead(200, { 'transfer-encoding': 'chunked' })).to.throw(/frames/);
  });
});
