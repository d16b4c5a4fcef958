import { expect } from 'chai';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { connectClient, eventually, startFixtureBridge, textOf, type FixtureBridge } from './helpers.js';

describe('bridge: Streamable HTTP conformance with the SDK client', () => {
  let fx: FixtureBridge;
  beforeEach(async () => {
    fx = await startFixtureBridge();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('initializes, lists tools and calls a tool', async () => {
    const { client, transport } = await connectClient(fx.server.url);
    expect(transport.sessionId).to.be.a('string');
    expect(client.getServerVersion()?.name).to.equal('catwalk-fixture');
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).to.include.members(['echo', 'slow', 'notify', 'crash']);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    expect(textOf(result)).to.equal('hello');
    await client.ping();
    await client.close();
  });

  it('answers each session its own protocol version from the one cached initialize', async () => {
    const init = (version: string) =>
      fetch(fx.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
      }).then(async (r) => ({ session: r.headers.get('mcp-session-id'), body: (await r.json()) as { result: { protocolVersion: string } } }));
    const a = await init('2025-06-18');
    const b = await init('2025-03-26');
    const c = await init('2099-01-01');
    expect(a.body.result.protocolVersion).to.equal('2025-06-18');
    expect(b.body.result.protocolVersion).to.equal('2025-03-26');
    expect(c.body.result.protocolVersion).to.equal('2025-11-25');
    expect(a.session).to.not.equal(b.session);
  });

  it('streams a progress and a log notification over SSE to the calling session', async () => {
    const { client } = await connectClient(fx.server.url);
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    const progress: string[] = [];
    const result = await client.callTool({ name: 'notify', arguments: { tag: 'A' } }, CallToolResultSchema, {
      onprogress: (p) => progress.push(String(p.message)),
    });
    expect(textOf(result)).to.equal('notified A');
    expect(progress).to.deep.equal(['A']);
    expect(logs).to.deep.equal(['log A']);
    await client.close();
  });

  it('never lets two sessions see each other\'s responses or notifications', async () => {
    const a = await connectClient(fx.server.url);
    const b = await connectClient(fx.server.url);
    const seen = { a: [] as string[], b: [] as string[] };
    a.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.a.push(String(n.params.data)));
    b.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.b.push(String(n.params.data)));
    const progress = { a: [] as string[], b: [] as string[] };
    // Same JSON-RPC ids on both sessions (each SDK client counts from 0), interleaved calls.
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      calls.push(a.client.callTool({ name: 'echo', arguments: { text: `a${i}` } }).then((r) => expect(textOf(r)).to.equal(`a${i}`)));
      calls.push(b.client.callTool({ name: 'echo', arguments: { text: `b${i}` } }).then((r) => expect(textOf(r)).to.equal(`b${i}`)));
      calls.push(a.client.callTool({ name: 'notify', arguments: { tag: `a${i}` } }, CallToolResultSchema, { onprogress: (p) => progress.a.push(String(p.message)) }));
      calls.push(b.client.callTool({ name: 'notify', arguments: { tag: `b${i}` } }, CallToolResultSchema, { onprogress: (p) => progress.b.push(String(p.message)) }));
    }
    await Promise.all(calls);
    expect(progress.a).to.have.length(20);
    expect(progress.b).to.have.length(20);
    expect(progress.a.every((t) => t.startsWith('a'))).to.equal(true);
    expect(progress.b.every((t) => t.startsWith('b'))).to.equal(true);
    // Log notifications carry no session: delivered only when attributable, never across sessions.
    expect(seen.a.every((t) => t.includes('a'))).to.equal(true);
    expect(seen.b.every((t) => t.includes('b'))).to.equal(true);
    await a.client.close();
    await b.client.close();
  });

  it('routes server-to-client requests (roots/list, sampling) to the calling session', async () => {
    const { client } = await connectClient(fx.server.url, { roots: { listChanged: true }, sampling: {} });
    client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }));
    client.setRequestHandler(CreateMessageRequestSchema, () => ({ role: 'assistant', content: { type: 'text', text: 'sampled' }, model: 'm' }));
    const result = await client.callTool({ name: 'ask-client', arguments: {} });
    expect(JSON.parse(textOf(result))).to.deep.equal({ roots: ['file:///work'], sample: { type: 'text', text: 'sampled' } });
    await client.close();
  });

  it('never sends a server request to another session: with two sessions in flight it is refused', async () => {
    const caps = { roots: { listChanged: true }, sampling: {} };
    const a = await connectClient(fx.server.url, caps);
    const b = await connectClient(fx.server.url, caps);
    let bAsked = 0;
    for (const c of [a.client, b.client]) {
      c.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [] }));
      c.setRequestHandler(CreateMessageRequestSchema, () => ({ role: 'assistant', content: { type: 'text', text: 's' }, model: 'm' }));
    }
    b.client.setRequestHandler(ListRootsRequestSchema, () => {
      bAsked++;
      return { roots: [] };
    });
    const busy = b.client.callTool({ name: 'slow', arguments: { ms: 300 } });
    await new Promise((r) => setTimeout(r, 50));
    const result = await a.client.callTool({ name: 'ask-client', arguments: {} });
    expect(result.isError).to.equal(true);
    await busy;
    expect(bAsked).to.equal(0);
    await a.client.close();
    await b.client.close();
  });

  it('refuses a server request for a capability the client did not declare', async () => {
    const { client } = await connectClient(fx.server.url);
    const result = await client.callTool({ name: 'ask-client', arguments: {} });
    expect(result.isError).to.equal(true);
    await client.close();
  });

  it('broadcasts list_changed to every session over its GET stream', async () => {
    const a = await connectClient(fx.server.url);
    const b = await connectClient(fx.server.url);
    let changedA = 0;
    let changedB = 0;
    a.client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changedA++);
    b.client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changedB++);
    const bridge = fx.server.bridge as unknown as { sessions: Map<string, { getStream?: { res: unknown } }> };
    await eventually(() => [...bridge.sessions.values()].every((s) => s.getStream?.res));
    await a.client.callTool({ name: 'change-tools', arguments: {} });
    await eventually(() => changedA === 1 && changedB === 1);
    await a.client.close();
    await b.client.close();
  });

  it('resumes an interrupted SSE response with Last-Event-ID (SDK resumption token)', async () => {
    const first = await connectClient(fx.server.url);
    const sessionId = first.transport.sessionId!;
    let token: string | undefined;
    const interrupted = first.client
      .request({ method: 'tools/call', params: { name: 'slow', arguments: { ms: 400 } } }, CallToolResultSchema, {
        onprogress: () => undefined,
        onresumptiontoken: (t) => {
          token = t;
        },
      })
      .catch(() => 'interrupted');
    await eventually(() => token !== undefined);
    await first.transport.close();
    expect(await interrupted).to.equal('interrupted');

    const transport = new StreamableHTTPClientTransport(new URL(fx.server.url), { sessionId });
    const client = new Client({ name: 'resumer', version: '1' });
    await client.connect(transport);
    const result = await client.request({ method: 'tools/call', params: { name: 'slow', arguments: { ms: 400 } } }, CallToolResultSchema, {
      resumptionToken: token!,
    });
    expect(textOf(result)).to.equal('slept 400');
    await client.close();
  });

  it('DELETE ends the session; later requests on it get 404', async () => {
    const { client, transport } = await connectClient(fx.server.url);
    const sessionId = transport.sessionId!;
    await transport.terminateSession();
    expect(fx.server.bridge.stats.sessions).to.equal(0);
    const res = await fetch(fx.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list' }),
    });
    expect(res.status).to.equal(404);
    await client.close();
  });
});
