import { expect } from 'chai';
import { createBridgeServer } from '../../src/bridge/httpServer.js';
import { LogRing, makeMasker } from '../../src/bridge/logRing.js';
import { McpBridge } from '../../src/bridge/mcpBridge.js';
import { startFixtureBridge, connectClient, textOf, type FixtureBridge } from './helpers.js';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function initSession(url: string, version = '2025-06-18', headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });
  expect(res.status).to.equal(200);
  await res.text();
  return res.headers.get('mcp-session-id')!;
}

describe('bridge: edges', () => {
  let fx: FixtureBridge;
  let now = 1_000_000;
  beforeEach(async () => {
    now = 1_000_000;
    fx = await startFixtureBridge({ maxBodyBytes: 1024, sessionIdleMs: 60_000, now: () => now });
  });
  afterEach(async () => {
    await fx.close();
  });

  it('rejects bodies over the limit with 413, bad JSON with 400, unknown sessions with 404, missing ones with 400', async () => {
    const session = await initSession(fx.server.url);
    const big = await fetch(fx.server.url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'mcp-session-id': session },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x'.repeat(5000) } } }),
    });
    expect(big.status).to.equal(413);
    const bad = await fetch(fx.server.url, { method: 'POST', headers: { ...JSON_HEADERS, 'mcp-session-id': session }, body: '{nope' });
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).to.equal(-32700);
    const unknown = await fetch(fx.server.url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'mcp-session-id': 'nope' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(unknown.status).to.equal(404);
    const missing = await fetch(fx.server.url, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(missing.status).to.equal(400);
    const notJsonRpc = await fetch(fx.server.url, { method: 'POST', headers: { ...JSON_HEADERS, 'mcp-session-id': session }, body: '{"id":1}' });
    expect(notJsonRpc.status).to.equal(400);
  });

  it('accepts JSON-RPC batches in 2025-03-26 and refuses them from 2025-06-18', async () => {
    const old = await initSession(fx.server.url, '2025-03-26');
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'one' } } },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'two' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
    ]);
    const ok = await fetch(fx.server.url, { method: 'POST', headers: { ...JSON_HEADERS, 'mcp-session-id': old }, body: batch });
    expect(ok.status).to.equal(200);
    const answers = (await ok.json()) as { id: number; result: { content: { text: string }[] } }[];
    expect(answers.map((a) => [a.id, a.result.content[0]!.text]).sort()).to.deep.equal([
      [1, 'one'],
      [2, 'two'],
    ]);
    const current = await initSession(fx.server.url, '2025-06-18');
    const refused = await fetch(fx.server.url, { method: 'POST', headers: { ...JSON_HEADERS, 'mcp-session-id': current }, body: batch });
    expect(refused.status).to.equal(400);
  });

  it('answers notifications-only posts with 202 and only lets the asked session answer a server request', async () => {
    const session = await initSession(fx.server.url);
    const res = await fetch(fx.server.url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'mcp-session-id': session },
      body: JSON.stringify({ jsonrpc: '2.0', id: 99, result: {} }),
    });
    expect(res.status).to.equal(202);
  });

  it('reaps 10,000 abandoned sessions after the idle time', async () => {
    const bridge = fx.server.bridge;
    const internals = bridge as unknown as { sessions: Map<string, unknown> };
    const base = await initSession(fx.server.url);
    const proto = internals.sessions.get(base) as object;
    // Creating 10,000 sessions over HTTP costs seconds; clone real sessions to test the reaper itself.
    for (let i = 0; i < 10_000; i++) {
      const clone = Object.assign(Object.create(Object.getPrototypeOf(proto) as object) as object, proto, { id: `s${i}` });
      internals.sessions.set(`s${i}`, clone);
    }
    expect(bridge.stats.sessions).to.equal(10_001);
    expect(bridge.reapIdle(now + 30_000)).to.equal(0);
    now += 61_000;
    expect(bridge.reapIdle()).to.equal(10_001);
    expect(bridge.stats.sessions).to.equal(0);
  });

  it('fails in-flight requests with a JSON-RPC error when the server dies, and masks secrets in stderr', async () => {
    await fx.close();
    fx = await startFixtureBridge({ readyTimeoutMs: 200 }, { FIXTURE_SECRET: 'super-secret-value' });
    fx.logs.setMasker(makeMasker(['super-secret-value']));
    const { client } = await connectClient(fx.server.url);
    const result = await client.callTool({ name: 'crash', arguments: {} });
    expect(textOf(result)).to.equal('bye');
    const pending = client.callTool({ name: 'slow', arguments: { ms: 5000 } }).then(
      () => 'answered',
      (e: Error) => e.message,
    );
    // Sent before the exit: failed as restarted; sent after: no server within the ready timeout.
    expect(await pending).to.match(/restarted|not running/);
    const lines = fx.logs.tail(100).map((l) => l.line).join('\n');
    expect(lines).to.include('crashing now; token=***');
    expect(lines).to.not.include('super-secret-value');
    await client.close();
  });
});

describe('bridge: upstream secret', () => {
  it('requires the secret header when configured, and refuses to listen beyond loopback without one', async () => {
    let threw = false;
    try {
      await createBridgeServer({ port: 0, host: '0.0.0.0' });
    } catch {
      threw = true;
    }
    expect(threw).to.equal(true);
    const server = await createBridgeServer({ port: 0, bridge: new McpBridge({ secret: 'a-long-upstream-secret' }) });
    try {
      const res = await fetch(server.url, { method: 'POST', headers: JSON_HEADERS, body: '{}' });
      expect(res.status).to.equal(401);
      const wrong = await fetch(server.url, { method: 'POST', headers: { ...JSON_HEADERS, 'x-catwalk-upstream-secret': 'wrong' }, body: '{}' });
      expect(wrong.status).to.equal(401);
      const right = await fetch(server.url, { method: 'POST', headers: { ...JSON_HEADERS, 'x-catwalk-upstream-secret': 'a-long-upstream-secret' }, body: '{}' });
      expect(right.status).to.equal(400); // past the secret check, then an invalid message
    } finally {
      await server.close();
    }
  });
});

describe('LogRing', () => {
  it('keeps only the last lines, splits chunks into lines and masks secrets', () => {
    const ring = new LogRing(3, makeMasker(['hunter22']));
    ring.pushChunk('stderr', 'one\ntwo hunter22\nthr');
    ring.pushChunk('stderr', 'ee\nfour\n');
    expect(ring.tail(10).map((l) => l.line)).to.deep.equal(['two ***', 'three', 'four']);
    expect(ring.tail(1).map((l) => l.line)).to.deep.equal(['four']);
  });

  it('never stores the start of a secret that straddles the line-length cut, in whole lines or split chunks', () => {
    const secret = 'S3CRET-token-0123456789';
    const ring = new LogRing(10, makeMasker([secret]), 100);
    const before = 'x'.repeat(95); // the secret starts 5 characters before the cut
    ring.push('stderr', `${before}${secret} and more`);
    ring.pushChunk('stderr', before + secret.slice(0, 12));
    ring.pushChunk('stderr', `${secret.slice(12)}${'y'.repeat(20_000)}`); // no newline yet: the partial is bounded
    ring.pushChunk('stderr', ' tail\n');
    ring.pushChunk('stderr', `${before}${secret.slice(0, 10)}`);
    ring.pushChunk('stderr', `${secret.slice(10)}\n`);
    const lines = ring.tail(10).map((l) => l.line);
    expect(lines).to.have.length(3);
    for (const line of lines) {
      expect(line).to.not.include('S3CR');
      expect(line.length).to.be.at.most(101);
    }
    expect(lines[0]).to.equal(`${before}*** a…`);
    expect(lines[1]).to.equal(`${before}***yy…`);
    expect(lines[2]).to.equal(`${before}***`);
  });
});

describe('bridge: browser origins (DNS rebinding)', () => {
  it('refuses a foreign Origin without the secret, accepts loopback and listed origins', async () => {
    const server = await createBridgeServer({ port: 0, bridge: new McpBridge({ allowedOrigins: ['https://app.example'] }) });
    try {
      const post = (origin: string) => fetch(server.url, { method: 'POST', headers: { ...JSON_HEADERS, origin }, body: '{}' }).then((r) => r.status);
      expect(await post('https://evil.example')).to.equal(403);
      expect(await post('http://localhost:5173')).to.equal(400); // past the origin check, then an invalid message
      expect(await post('https://app.example')).to.equal(400);
    } finally {
      await server.close();
    }
  });
});
