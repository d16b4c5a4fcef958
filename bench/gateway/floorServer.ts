/**
 * The HTTP floor: a zero-work Streamable-HTTP MCP server that answers initialize, tools/list and tools/call with
 * canned JSON, run as its own process. What the SDK client reaches against it is the most any HTTP path can give.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const TOOLS = { tools: [{ name: 'read_graph', description: 'Read', inputSchema: { type: 'object', properties: {} } }] };
const CALL = { content: [{ type: 'text', text: '{"entities":[],"relations":[]}' }] };

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number | string; method: string; params?: { protocolVersion?: string } };
    if (message.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    let result: unknown = {};
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (message.method === 'initialize') {
      result = { protocolVersion: message.params?.protocolVersion ?? '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'floor', version: '1.0.0' } };
      headers['mcp-session-id'] = 'floor-session';
    } else if (message.method === 'tools/list') result = TOOLS;
    else if (message.method === 'tools/call') result = CALL;
    const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
    headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(200, headers).end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, pid: process.pid })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
