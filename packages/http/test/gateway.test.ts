import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { RunDeployment } from '@catwalk/core';
import { FakeOrchestrator, aMcpConfig, anEnvVar } from '@catwalk/core/testing';
import { LocalOrchestrator } from '@catwalk/adapters';
import type { InProcessBridge, McpPostHeaders, McpResponse } from '@catwalk/adapters';
import { deploymentBody, startHarness } from './support/harness.js';
import type { Harness } from './support/harness.js';

const require = createRequire(import.meta.url);
/** The real server-memory from node_modules, run with node (no npx, no network). */
const SERVER_MEMORY = require.resolve('@modelcontextprotocol/server-memory/dist/index.js');

async function connect(endpoint: string, token: string | undefined, via: 'header' | 'query' = 'header'): Promise<Client> {
  const url = new URL(endpoint);
  if (token !== undefined && via === 'query') url.searchParams.set('token', token);
  const transport = new StreamableHTTPClientTransport(url, token !== undefined && via === 'header' ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {});
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** The local orchestrator, counting the requests the gateway hands to its bridges in-process, by entry. */
class CountingLocalOrchestrator extends LocalOrchestrator {
  /** Through node:http (`handle`). */
  handled = 0;
  /** Through the fast lane (`post`). */
  posted = 0;
  override handlerFor(deploymentId: string): InProcessBridge | undefined {
    const handler = super.handlerFor(deploymentId);
    if (handler === undefined) return undefined;
    return {
      handle: (req, res) => {
        this.handled++;
        handler.handle(req, res);
      },
      post: (headers, body, res) => {
        this.posted++;
        handler.post(headers, body, res);
      },
    };
  }
}

/** The local orchestrator without its in-process route: the gateway proxies to the upstream URL, as for Fly. */
class LoopbackOnlyLocalOrchestrator extends LocalOrchestrator {
  override handlerFor(): undefined {
    return undefined;
  }
}

/**
 * The three routes a request can take to a local bridge: the fast lane (the default for POSTs), node:http calling
 * the bridge in-process (GET, DELETE, and every request with CATWALK_GATEWAY_FAST_LANE=false), and the streaming
 * proxy over loopback (what remote upstreams such as Fly get).
 */
const ROUTES = ['fast lane', 'node:http in-process', 'loopback'] as const;
for (const route of ROUTES) describe(`MCP gateway against a real bridge running server-memory (${route})`, function () {
  this.timeout(60_000);
  let h: Harness;
  let home: string;
  let orchestrator: LocalOrchestrator;
  let id: string;
  let token: string;
  let endpoint: string;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'catwalk-gw-'));
    const options = { home, preinstall: false, launcher: async () => ({ command: process.execPath, args: [SERVER_MEMORY] }) };
    orchestrator = route === 'loopback' ? new LoopbackOnlyLocalOrchestrator(options) : new CountingLocalOrchestrator(options);
    h = await startHarness({ orchestrator, http: { gatewayBodyLimitBytes: 64 * 1024 }, env: { CATWALK_GATEWAY_FAST_LANE: route === 'node:http in-process' ? 'false' : 'true' } });
    h.ports.analyzer.setFallback(aMcpConfig({ envVars: [anEnvVar(), anEnvVar({ name: 'MEMORY_FILE_PATH', required: false, secret: false })] }));
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody({ credentials: { API_KEY: 'k', MEMORY_FILE_PATH: join(home, 'memory.jsonl') } }) });
    expect(created.status, created.text).to.equal(201);
    id = created.json.deployment.id;
    token = created.json.accessToken;
    endpoint = created.json.endpoint;
    const run = await h.server.catwalk.container.get(RunDeployment).execute({ deploymentId: id });
    expect(run.outcome, JSON.stringify(run)).to.equal('running');
  });
  after(async () => {
    await h?.close();
    // An orchestrator given as an override is the caller's to stop (its bridges and children keep node alive).
    await orchestrator?.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  it('initializes, lists tools and calls tools through the SDK client', async () => {
    const client = await connect(endpoint, token);
    try {
      expect(client.getServerVersion()?.name).to.match(/memory/i);
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).to.include.members(['create_entities', 'read_graph']);
      await client.callTool({ name: 'create_entities', arguments: { entities: [{ name: 'catwalk', entityType: 'project', observations: ['proxied'] }] } });
      const graph = await client.callTool({ name: 'read_graph', arguments: {} });
      expect(JSON.stringify(graph.content)).to.include('catwalk');
    } finally {
      await client.close();
    }
  });

  it(`serves through the ${route} route`, async () => {
    const init = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INITIALIZE });
    expect(init.status).to.equal(200);
    await init.text();
    // In-process: the bridge was called directly, POSTs by the lane unless it is off. Loopback: this whole suite
    // passing proves the proxy hop works.
    if (orchestrator instanceof CountingLocalOrchestrator) {
      if (route === 'fast lane') expect(orchestrator.posted).to.be.greaterThan(0);
      else expect([orchestrator.posted, orchestrator.handled > 0]).to.deep.equal([0, true]);
    }
  });

  it('accepts the token as ?token= for clients that only take a URL', async () => {
    const client = await connect(endpoint, token, 'query');
    try {
      expect((await client.listTools()).tools.length).to.be.greaterThan(0);
    } finally {
      await client.close();
    }
  });

  it('passes the session id, serves the GET stream unbuffered, and ends the session with DELETE', async () => {
    const init = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INITIALIZE });
    expect(init.status).to.equal(200);
    const session = init.headers.get('mcp-session-id');
    expect(session).to.be.a('string');
    await init.text();
    const stream = await fetch(endpoint, { method: 'GET', headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, 'mcp-session-id': session!, 'mcp-protocol-version': '2025-06-18' } });
    expect(stream.status).to.equal(200);
    expect(stream.headers.get('content-type')).to.match(/^text\/event-stream/);
    expect(stream.headers.get('x-accel-buffering')).to.equal('no');
    await stream.body?.cancel();
    const deleted = await fetch(endpoint, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'mcp-session-id': session!, 'mcp-protocol-version': '2025-06-18' } });
    expect(deleted.status).to.be.within(200, 204);
    const after = await fetch(endpoint, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, 'mcp-session-id': session!, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(after.status).to.equal(404);
  });

  it('refuses absent and wrong tokens with 401 and WWW-Authenticate', async () => {
    for (const authorization of [undefined, 'Bearer cwt_' + 'A'.repeat(43), 'Bearer nope', `Basic ${token}`]) {
      const res = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, ...(authorization === undefined ? {} : { authorization }) }, body: INITIALIZE });
      expect(res.status, String(authorization)).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer realm="catwalk"/);
      expect(await res.json()).to.deep.equal({ error: 'unauthorized', message: 'A valid access token for this deployment is required.', details: {} });
    }
    let failed: unknown;
    try {
      await connect(endpoint, 'cwt_' + 'B'.repeat(43));
    } catch (error) {
      failed = error;
    }
    expect((failed as { code?: number }).code, String(failed)).to.equal(401);
  });

  it('refuses disallowed browser origins (DNS rebinding) and bodies over the limit', async () => {
    const evil = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, origin: 'http://evil.example' }, body: INITIALIZE });
    expect(evil.status).to.equal(403);
    const own = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, origin: new URL(h.server.publicUrl).origin }, body: INITIALIZE });
    expect(own.status).to.equal(200);
    await own.text();
    const big = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(70 * 1024) } }) });
    expect(big.status).to.equal(413);
    expect(((await big.json()) as { error: string }).error).to.equal('payload_too_large');
    const put = await fetch(endpoint, { method: 'PUT', headers: { authorization: `Bearer ${token}` } });
    expect(put.status).to.equal(405);
    expect(put.headers.get('allow')).to.equal('GET, POST, DELETE');
  });

  it('kills the old token at once on rotation', async () => {
    const client = await connect(endpoint, token);
    await client.close();
    const rotated = await h.request('POST', `/api/deployments/${id}/token`);
    const old = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INITIALIZE });
    expect(old.status).to.equal(401);
    token = rotated.json.accessToken;
    const fresh = await connect(endpoint, token);
    await fresh.close();
  });

  it('answers 503 with the status while stopped, and serves again once started', async () => {
    const stopped = await h.request('POST', `/api/deployments/${id}/stop`);
    expect(stopped.json.status).to.equal('stopped');
    const res = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INITIALIZE });
    expect(res.status).to.equal(503);
    expect(await res.json()).to.deep.include({ error: 'deployment_unavailable', details: { status: 'stopped' } });
    // A wrong token on a stopped deployment is still 401: the token is checked first.
    const wrong = await fetch(endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer cwt_${'C'.repeat(43)}` }, body: INITIALIZE });
    expect(wrong.status).to.equal(401);
    const started = await h.request('POST', `/api/deployments/${id}/start`);
    expect(started.status).to.equal(202);
    for (let i = 0; i < 200 && (await h.request('GET', `/api/deployments/${id}`)).json.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    const client = await connect(endpoint, token);
    expect((await client.listTools()).tools.length).to.be.greaterThan(0);
    await client.close();
  });
});

describe('MCP gateway upstream failures', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('answers 502 JSON when the upstream cannot be reached', async () => {
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody() });
    // The fake orchestrator's upstream is 127.0.0.1:9 (discard port): nothing listens there.
    await h.server.catwalk.container.get(RunDeployment).execute({ deploymentId: created.json.deployment.id });
    const res = await fetch(created.json.endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${created.json.accessToken}` }, body: INITIALIZE });
    expect(res.status).to.equal(502);
    expect(((await res.json()) as { error: string }).error).to.equal('upstream_unavailable');
  });
});

describe('MCP gateway in-process route', () => {
  it("calls an orchestrator's in-process handler instead of the upstream URL when it offers one", async () => {
    const seen: string[] = [];
    const answer = (res: McpResponse): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":1,"result":{}}');
    };
    class InProcessOrchestrator extends FakeOrchestrator {
      handlerFor(deploymentId: string): InProcessBridge {
        return {
          handle: (req: IncomingMessage, res: ServerResponse) => {
            seen.push(`${deploymentId} handle ${req.method} ${req.headers.authorization ?? 'no-authorization'}`);
            answer(res);
          },
          post: (headers: McpPostHeaders, body: Buffer, res: McpResponse) => {
            // The lane hands over only the four headers the bridge reads: there is no Authorization to leak.
            seen.push(`${deploymentId} post ${Object.keys(headers).sort().join(',')} ${body.length}`);
            answer(res);
          },
        };
      }
    }
    for (const fastLane of ['true', 'false']) {
      seen.length = 0;
      const h = await startHarness({ orchestrator: new InProcessOrchestrator(), env: { CATWALK_GATEWAY_FAST_LANE: fastLane } });
      try {
        const created = await h.request('POST', '/api/deployments', { body: deploymentBody() });
        await h.server.catwalk.container.get(RunDeployment).execute({ deploymentId: created.json.deployment.id });
        // The fake's upstream URL (127.0.0.1:9) is unreachable: only the in-process route can answer 200.
        const res = await fetch(created.json.endpoint, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${created.json.accessToken}` }, body: INITIALIZE });
        expect(res.status).to.equal(200);
        expect(seen).to.have.length(1);
        // The access token stops at the gateway, as on the upstream hop.
        const id = created.json.deployment.id;
        expect(seen[0]).to.equal(fastLane === 'true' ? `${id} post accept,contentType,protocolVersion,sessionId ${Buffer.byteLength(INITIALIZE)}` : `${id} handle POST no-authorization`);
      } finally {
        await h.close();
      }
    }
  });
});
