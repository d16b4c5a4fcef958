import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { RunDeployment } from '@catwalk/core';
import { LocalOrchestrator } from '@catwalk/adapters';
import { deploymentBody, startHarness } from './support/harness.js';
import type { Harness } from './support/harness.js';

/** The adapters' fixture MCP server (tools: echo, slow, notify, …), run with node directly. */
const FIXTURE_SERVER = fileURLToPath(new URL('../../adapters/test/fixtures/mcp-servers/fixture-server.mjs', import.meta.url));
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const VERSION = '2025-06-18';
const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

/** The local orchestrator without its in-process route: the gateway proxies over HTTP, as for a remote machine. */
class LoopbackOnlyLocalOrchestrator extends LocalOrchestrator {
  override handlerFor(): undefined {
    return undefined;
  }
}

type Route = 'in-process' | 'loopback';

/** A running service whose one deployment runs the fixture server through a real local bridge. */
interface Deployed {
  readonly h: Harness;
  readonly orchestrator: LocalOrchestrator;
  readonly endpoint: string;
  readonly token: string;
  close(): Promise<void>;
}

async function deployFixture(route: Route, gatewayTimeoutMs?: number): Promise<Deployed> {
  const home = mkdtempSync(join(tmpdir(), 'catwalk-gws-'));
  const options = { home, preinstall: false, launcher: async () => ({ command: process.execPath, args: [FIXTURE_SERVER] }) };
  const orchestrator = route === 'in-process' ? new LocalOrchestrator(options) : new LoopbackOnlyLocalOrchestrator(options);
  let h: Harness | undefined;
  const close = async (): Promise<void> => {
    await h?.close();
    // Stops every child and bridge server, and releases the exit guard: nothing keeps mocha alive.
    await orchestrator.shutdown();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    h = await startHarness({ orchestrator, ...(gatewayTimeoutMs === undefined ? {} : { http: { gatewayTimeoutMs } }) });
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody() });
    expect(created.status, created.text).to.equal(201);
    const run = await h.server.catwalk.container.get(RunDeployment).execute({ deploymentId: created.json.deployment.id });
    expect(run.outcome, JSON.stringify(run)).to.equal('running');
    return { h, orchestrator, endpoint: created.json.endpoint, token: created.json.accessToken, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function transportFor(endpoint: string, token: string, sessionId?: string): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(endpoint), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    ...(sessionId === undefined ? {} : { sessionId }),
  });
}

async function connect(endpoint: string, token: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = transportFor(endpoint, token);
  const client = new Client({ name: 'gateway-streams-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** Opens a raw session through the gateway and returns its id. */
async function rawSession(endpoint: string, token: string): Promise<string> {
  const init = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INITIALIZE });
  expect(init.status).to.equal(200);
  await init.text();
  const session = init.headers.get('mcp-session-id');
  expect(session).to.be.a('string');
  return session!;
}

for (const route of ['in-process', 'loopback'] as const) describe(`MCP gateway streams against the fixture server (${route})`, function () {
  this.timeout(60_000);
  let d: Deployed;

  before(async () => {
    d = await deployFixture(route);
  });
  after(async () => {
    await d?.close();
  });

  it('delivers server-to-client notifications (progress and log) over SSE to the SDK client', async () => {
    const { client } = await connect(d.endpoint, d.token);
    try {
      const logs: unknown[] = [];
      client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
        logs.push(notification.params.data);
      });
      const progress: Progress[] = [];
      const result = await client.callTool({ name: 'notify', arguments: { tag: 'hello' } }, CallToolResultSchema, { onprogress: (p) => progress.push(p) });
      expect(result.content).to.deep.equal([{ type: 'text', text: 'notified hello' }]);
      expect(progress).to.deep.equal([{ progress: 1, total: 2, message: 'hello' }]);
      expect(logs).to.deep.equal(['log hello']);
    } finally {
      await client.close();
    }
  });

  it('resumes an interrupted call with the SDK resumption token (Last-Event-ID) through the gateway', async () => {
    const first = await connect(d.endpoint, d.token);
    const sessionId = first.transport.sessionId;
    expect(sessionId).to.be.a('string');
    let resumptionToken: string | undefined;
    let gotToken!: () => void;
    const tokenSeen = new Promise<void>((resolve) => (gotToken = resolve));
    // A slow call that sends a progress event first: its SSE stream has event ids before the answer exists.
    const interrupted = first.client
      .callTool({ name: 'slow', arguments: { ms: 1200 } }, CallToolResultSchema, {
        onprogress: () => undefined,
        onresumptiontoken: (token) => {
          resumptionToken = token;
          gotToken();
        },
      })
      .then(
        () => 'answered',
        () => 'cut',
      );
    await tokenSeen;
    // Drop every connection of the first client; the session stays open on the bridge (no DELETE).
    await first.transport.close();
    expect(await interrupted).to.equal('cut');
    expect(resumptionToken).to.match(/^\d+_\d+$/);

    const resumedTransport = transportFor(d.endpoint, d.token, sessionId);
    const resumed = new Client({ name: 'gateway-streams-test', version: '1.0.0' });
    await resumed.connect(resumedTransport); // a known session id: no second initialize
    try {
      const result = await resumed.request({ method: 'tools/call', params: { name: 'slow', arguments: { ms: 1200 } } }, CallToolResultSchema, { resumptionToken: resumptionToken! });
      // The answer of the FIRST call, replayed (or streamed) on the resumed GET: the tool ran once.
      expect(result.content).to.deep.equal([{ type: 'text', text: 'slept 1200' }]);
    } finally {
      await resumedTransport.terminateSession();
      await resumed.close();
    }
  });

  it('ends the session with DELETE (SDK terminateSession): the session id then answers 404', async () => {
    const { client, transport } = await connect(d.endpoint, d.token);
    const sessionId = transport.sessionId!;
    expect((await client.callTool({ name: 'echo', arguments: { text: 'before' } })).content).to.deep.equal([{ type: 'text', text: 'before' }]);
    await transport.terminateSession();
    expect(transport.sessionId).to.equal(undefined);
    await client.close();
    const after = await fetch(d.endpoint, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${d.token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': VERSION },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(after.status).to.equal(404);
    await after.text();
  });
});

for (const route of ['in-process', 'loopback'] as const) describe(`MCP gateway upstream timeout and SSE pass-through (${route})`, function () {
  this.timeout(60_000);
  const TIMEOUT_MS = 1000;
  let d: Deployed;

  before(async () => {
    d = await deployFixture(route, TIMEOUT_MS);
  });
  after(async () => {
    await d?.close();
  });

  it('answers 504 upstream_timeout JSON when a tool call stays silent longer than the upstream timeout', async () => {
    const session = await rawSession(d.endpoint, d.token);
    const started = performance.now();
    const res = await fetch(d.endpoint, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${d.token}`, 'mcp-session-id': session, 'mcp-protocol-version': VERSION },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'slow', arguments: { ms: 3000 } } }),
    });
    const elapsed = performance.now() - started;
    expect(res.status).to.equal(504);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    expect(await res.json()).to.deep.equal({ error: 'upstream_timeout', message: 'The MCP server did not answer in time.', details: { timeoutMs: TIMEOUT_MS } });
    // Cut at the timeout, not when the tool finished.
    expect(elapsed).to.be.within(TIMEOUT_MS - 50, 2500);
  });

  it('passes an SSE answer unbuffered: the first event arrives before the tool finishes, marked X-Accel-Buffering: no', async () => {
    const session = await rawSession(d.endpoint, d.token);
    const TOOL_MS = 700; // under the upstream timeout: the stream is silent for this long after its first event
    const started = performance.now();
    const res = await fetch(d.endpoint, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${d.token}`, 'mcp-session-id': session, 'mcp-protocol-version': VERSION },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'slow', arguments: { ms: TOOL_MS }, _meta: { progressToken: 'p1' } } }),
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
    expect(res.headers.get('x-accel-buffering')).to.equal('no');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let firstEventAt: number | undefined;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      if (firstEventAt === undefined && text.includes('\n\n')) firstEventAt = performance.now() - started;
    }
    const finishedAt = performance.now() - started;
    expect(firstEventAt, 'no event before the end').to.be.a('number');
    expect(firstEventAt!).to.be.below(TOOL_MS - 200);
    expect(finishedAt).to.be.at.least(TOOL_MS);
    expect(text.split('\n\n')[0]).to.include('"method":"notifications/progress"').and.include('"progressToken":"p1"');
    expect(text).to.include(`slept ${TOOL_MS}`);
  });
});
