// A zero-work MCP server on stdio (newline-delimited JSON-RPC): canned answers to initialize, tools/list and
// tools/call, nothing else. Behind our bridge it leaves only what the control plane adds (the stdio hop
// included), so "gateway → zero-work stdio" against the HTTP floor is the gateway's own added latency.
import { createInterface } from 'node:readline';

const TOOLS = { tools: [{ name: 'read_graph', description: 'Read', inputSchema: { type: 'object', properties: {} } }] };
const CALL = { content: [{ type: 'text', text: '{"entities":[],"relations":[]}' }] };

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.id === undefined || message.method === undefined) return;
  let result = {};
  if (message.method === 'initialize') {
    result = { protocolVersion: message.params?.protocolVersion ?? '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'zero-work', version: '1.0.0' } };
  } else if (message.method === 'tools/list') result = TOOLS;
  else if (message.method === 'tools/call') result = CALL;
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n`);
});
