import { expect } from 'chai';
import fc from 'fast-check';
import { responseIdOf, type JsonRpcMessage, type JsonRpcRequest } from '../../src/bridge/jsonrpc.js';
import { McpBridge } from '../../src/bridge/mcpBridge.js';
import type { McpPostHeaders, McpResponse } from '../../src/bridge/response.js';
import type { Upstream } from '../../src/bridge/stdioChild.js';

/**
 * An MCP server on the other end of the bridge, in memory: records what the bridge sends and writes lines back
 * the way StdioChild delivers them (offered unparsed first, parsed otherwise).
 */
class LineServer implements Upstream {
  readonly received: JsonRpcMessage[] = [];
  /** Lines the bridge took without parsing them. */
  unparsed = 0;
  onMessage: ((message: JsonRpcMessage, raw?: string) => void) | undefined;
  onResponseLine: ((text: string) => boolean) | undefined;
  onExit: Upstream['onExit'];

  send(message: JsonRpcMessage): void {
    this.received.push(JSON.parse(JSON.stringify(message)) as JsonRpcMessage);
    const request = message as JsonRpcRequest;
    // Answers the bridge's own handshake at once.
    if (request.method === 'initialize') this.line(JSON.stringify({ result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'lines', version: '1' } }, jsonrpc: '2.0', id: request.id }));
  }

  line(text: string): void {
    if (this.onResponseLine?.(text) === true) {
      this.unparsed++;
      return;
    }
    this.onMessage?.(JSON.parse(text) as JsonRpcMessage, text);
  }

  /** The bridge id the last request of `method` was sent with. */
  lastId(method: string): number {
    const found = [...this.received].reverse().find((m) => (m as JsonRpcRequest).method === method) as JsonRpcRequest | undefined;
    if (found === undefined) throw new Error(`no ${method} was sent`);
    return found.id as number;
  }
}

/** An McpResponse that records what was written. */
class RecordedResponse implements McpResponse {
  headersSent = false;
  writableEnded = false;
  status = 0;
  headers: Record<string, string | number> = {};
  body = '';

  writeHead(status: number, headers: Record<string, string | number> = {}): this {
    this.headersSent = true;
    this.status = status;
    this.headers = headers;
    return this;
  }
  write(chunk: string): boolean {
    this.body += chunk;
    return true;
  }
  end(chunk?: string): this {
    this.body += chunk ?? '';
    this.writableEnded = true;
    return this;
  }
  on(): this {
    return this;
  }
  json(): unknown {
    return JSON.parse(this.body);
  }
}

const JSON_POST = { accept: 'application/json, text/event-stream', contentType: 'application/json', protocolVersion: undefined };

function post(bridge: McpBridge, body: unknown, sessionId?: string): RecordedResponse {
  const res = new RecordedResponse();
  const headers: McpPostHeaders = { ...JSON_POST, sessionId };
  bridge.post(headers, Buffer.from(JSON.stringify(body)), res);
  return res;
}

async function sessionOf(bridge: McpBridge): Promise<string> {
  const res = post(bridge, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
  expect(res.status).to.equal(200);
  return String(res.headers['mcp-session-id']);
}

describe('bridge: responseIdOf (routing a response without parsing it)', () => {
  it('reads the id of the TypeScript- and Python-SDK response layouts, results and errors alike', () => {
    expect(responseIdOf('{"result":{"content":[]},"jsonrpc":"2.0","id":42}')).to.equal(42);
    expect(responseIdOf('{"error":{"code":-32601,"message":"x"},"jsonrpc":"2.0","id":7}')).to.equal(7);
    expect(responseIdOf('{"jsonrpc":"2.0","id":9,"result":{}}')).to.equal(9);
    expect(responseIdOf('{"jsonrpc":"2.0","id":9,"error":{"code":1,"message":"m"}}')).to.equal(9);
    expect(responseIdOf(`{"result":{"text":"${'x'.repeat(100_000)}"},"jsonrpc":"2.0","id":123456}`)).to.equal(123456);
  });

  it('declines requests, notifications, other layouts and ids that are not plain integers', () => {
    for (const text of [
      '{"method":"roots/list","params":{},"jsonrpc":"2.0","id":3}', // a server request: its first member is method
      '{"jsonrpc":"2.0","id":3,"method":"sampling/createMessage","params":{}}',
      '{"method":"notifications/progress","params":{"id":3},"jsonrpc":"2.0"}',
      '{"result":{"id":3},"jsonrpc":"2.0"}', // an id only inside the result
      '{"result":{},"jsonrpc":"2.0","id":"3"}',
      '{"result":{},"jsonrpc":"2.0","id":3.5}',
      '{"result":{},"jsonrpc":"2.0","id":3}\r',
      '{"id":3,"jsonrpc":"2.0","result":{}}',
      '{ "jsonrpc": "2.0", "id": 3, "result": {} }',
      '[{"result":{},"jsonrpc":"2.0","id":3}]',
    ]) {
      expect(responseIdOf(text), text).to.equal(undefined);
    }
  });
});

describe('bridge: responses routed without parsing', () => {
  let server: LineServer;
  let bridge: McpBridge;
  beforeEach(async () => {
    server = new LineServer();
    bridge = new McpBridge();
    await bridge.attach(server, 1000);
  });
  afterEach(() => bridge.close());

  it('answers each session with its own id, out of order, without parsing the lines', async () => {
    const a = await sessionOf(bridge);
    const b = await sessionOf(bridge);
    const resA = post(bridge, { jsonrpc: '2.0', id: 'same', method: 'tools/call', params: { name: 'read', arguments: {} } }, a);
    const idA = server.lastId('tools/call');
    const resB = post(bridge, { jsonrpc: '2.0', id: 'same', method: 'tools/call', params: { name: 'read', arguments: {} } }, b);
    const idB = server.lastId('tools/call');
    expect(idA).to.not.equal(idB);
    const before = server.unparsed;
    server.line(JSON.stringify({ result: { content: [{ type: 'text', text: 'for B' }] }, jsonrpc: '2.0', id: idB }));
    server.line(JSON.stringify({ jsonrpc: '2.0', id: idA, result: { content: [{ type: 'text', text: 'for A' }] } }));
    expect(server.unparsed - before).to.equal(2);
    expect(resA.json()).to.deep.equal({ jsonrpc: '2.0', id: 'same', result: { content: [{ type: 'text', text: 'for A' }] } });
    expect(resB.json()).to.deep.equal({ result: { content: [{ type: 'text', text: 'for B' }] }, jsonrpc: '2.0', id: 'same' });
    // A second answer to an id already answered reaches nobody.
    server.line(JSON.stringify({ result: { leaked: true }, jsonrpc: '2.0', id: idB }));
    expect(resB.body).to.not.include('leaked');
  });

  it("parses what is not a session's response: the bridge's own requests and unknown ids", async () => {
    const listed = bridge.request('tools/list', {});
    await new Promise((resolve) => setImmediate(resolve)); // request() checks readiness before it sends
    const internalId = server.lastId('tools/list');
    const before = server.unparsed;
    server.line(JSON.stringify({ result: { tools: [] }, jsonrpc: '2.0', id: internalId }));
    expect((await listed).result).to.deep.equal({ tools: [] });
    server.line(JSON.stringify({ result: {}, jsonrpc: '2.0', id: 999_999 }));
    expect(server.unparsed).to.equal(before);
  });

  it('attributes a server notification to the one session still busy, whichever became busy last', async () => {
    const a = await sessionOf(bridge);
    const b = await sessionOf(bridge);
    const resB = post(bridge, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow', arguments: {} } }, b);
    const idB = server.lastId('tools/call');
    const resA = post(bridge, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'fast', arguments: {} } }, a);
    const idA = server.lastId('tools/call');
    // Two sessions in flight: a log notification belongs to neither for sure, so nobody gets it.
    server.line(JSON.stringify({ method: 'notifications/message', params: { level: 'info', data: 'ambiguous' }, jsonrpc: '2.0' }));
    expect(resA.body + resB.body).to.not.include('ambiguous');
    // A (the last to become busy) is answered; B alone is busy now.
    server.line(JSON.stringify({ result: {}, jsonrpc: '2.0', id: idA }));
    server.line(JSON.stringify({ method: 'notifications/message', params: { level: 'info', data: 'for B' }, jsonrpc: '2.0' }));
    expect(resB.body).to.include('"data":"for B"');
    expect(resA.body).to.not.include('for B');
    server.line(JSON.stringify({ result: { done: true }, jsonrpc: '2.0', id: idB }));
    expect(resB.body).to.include('"done":true');
    expect(bridge.stats.inflight).to.equal(0);
  });

  it('forwards any result exactly, with only the id changed, whichever layout (property)', async () => {
    const session = await sessionOf(bridge);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.boolean(), fc.oneof(fc.integer(), fc.string({ maxLength: 6 })), async (result, pythonLayout, clientId) => {
        const res = post(bridge, { jsonrpc: '2.0', id: clientId, method: 'tools/call', params: { name: 'x', arguments: {} } }, session);
        const id = server.lastId('tools/call');
        server.line(JSON.stringify(pythonLayout ? { jsonrpc: '2.0', id, result } : { result, jsonrpc: '2.0', id }));
        expect(res.json()).to.deep.equal(JSON.parse(JSON.stringify({ jsonrpc: '2.0', id: clientId, result })));
      }),
      { numRuns: 300 },
    );
  });
});
